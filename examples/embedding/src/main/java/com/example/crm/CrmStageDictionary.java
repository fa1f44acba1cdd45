package com.example.crm;

import cn.opportunity.integration.domain.StageCode;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.dictionary.SalesFlow;
import cn.opportunity.integration.domain.dictionary.Stage;
import cn.opportunity.integration.domain.dictionary.StageKind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The CRM's own stage dictionary behind the domain's port: here, its project-sales flow. */
public final class CrmStageDictionary implements FlowDictionary {
  private final DictionarySnapshot snapshot;

  public CrmStageDictionary(Instant loadedAt) {
    SalesFlow projects =
        new SalesFlow(
            "projects",
            "项目型销售",
            List.of(
                new Stage(new StageCode("P10"), "立项", StageKind.IN_PROGRESS, 1, true),
                new Stage(new StageCode("P20"), "投标", StageKind.IN_PROGRESS, 2, true),
                new Stage(new StageCode("P90"), "中标", StageKind.WON, 3, true),
                new Stage(new StageCode("P99"), "未中标", StageKind.LOST, 4, true)));
    this.snapshot = new DictionarySnapshot(List.of(projects), List.of(), loadedAt);
  }

  @Override
  public Optional<DictionarySnapshot> current() {
    return Optional.of(snapshot);
  }

  @Override
  public String source() {
    return "crm";
  }

  @Override
  public Optional<String> lastError() {
    return Optional.empty();
  }
}
