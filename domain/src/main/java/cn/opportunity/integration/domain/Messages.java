package cn.opportunity.integration.domain;

/**
 * The caller-facing texts of the contract's rules, verbatim (CONTRACT.md §1, §5). Every adapter and
 * every embedding program shows these, so they live in one place.
 */
public final class Messages {
  private Messages() {}

  public static final String CODE_REQUIRED = "opportunityCode 不能为空";
  public static final String NOTHING_TO_UPDATE = "至少传入一个需要更新的字段";
  public static final String NAME_REQUIRED = "商机名称不能为空";
  public static final String AMOUNT_NOT_POSITIVE = "商机金额必须大于 0";
  public static final String AMOUNT_TOO_MANY_DECIMALS = "商机金额最多保留两位小数";

  /** The contract names the limit (< 10^15) but no message; this one says which limit. */
  public static final String AMOUNT_TOO_LARGE = "商机金额必须小于 10^15";

  public static final String DATE_FORMAT = "预计结单日期格式应为 YYYY-MM-DD";
  public static final String CONFIDENCE_INVALID = "项目把握度仅支持A、B、C";
  public static final String STATUS_INVALID = "商机状态仅支持 active、closed、won、lost";
  public static final String SALES_EXPANSION_ID_INVALID = "销售拓展 ID 必须大于 0";
  public static final String CHANNEL_EXPANSION_ID_INVALID = "渠道拓展 ID 必须大于 0";
  public static final String PRE_SALES_ID_INVALID = "售前 ID 必须大于 0";
  public static final String FINAL_CUSTOMER_IMMUTABLE = "不支持更新商机的最终客户";
  public static final String NOT_FOUND = "商机不存在";
  public static final String DICTIONARY_UNAVAILABLE = "项目阶段字典暂不可用";

  // CONTRACT.md §5
  public static final String VERSION_MISMATCH = "商机已被他人修改";

  public static String stageInvalid(String asSent) {
    return "项目阶段无效: " + asSent;
  }

  /** CONTRACT §5.6. */
  public static String lostReasonInvalid(String asSent) {
    return "输单原因无效: " + asSent;
  }

  public static String omsPushTimeInvalid(String asSent) {
    return "推送 OMS 时间格式无效: " + asSent;
  }

  public static String unsupportedField(String name) {
    return "不支持的字段: " + name;
  }

  public static String duplicateField(String name) {
    return "字段重复: " + name;
  }

  public static String wrongType(String name) {
    return "字段类型错误: " + name;
  }

  /**
   * The contract sets lengths but no message; this one follows the pattern of its field messages.
   */
  public static String tooLong(String name, int maxLength) {
    return "字段过长: " + name + "（最多 " + maxLength + " 个字符）";
  }
}
