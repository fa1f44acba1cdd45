package com.example.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the program of docs/embedding.md, so the page cannot rot. */
class EmbeddedCrmTest {
  @Test
  void appliesAGoodWriteBackAndRefusesBadOnesWithTheContractsMessages() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      EmbeddedCrm.main(new String[0]);
    } finally {
      System.setOut(out);
    }
    assertEquals(
        """
        ok: CRM-0001 is at version 2, stage P90
        refused: 商机金额最多保留两位小数；项目把握度仅支持A、B、C；不支持更新商机的最终客户
        refused: 商机不存在
        """,
        printed.toString(StandardCharsets.UTF_8));
  }
}
