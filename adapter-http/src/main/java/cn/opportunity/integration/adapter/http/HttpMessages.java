package cn.opportunity.integration.adapter.http;

/**
 * The caller-facing texts of the HTTP layer, verbatim: the contract's (CONTRACT.md §1, §5) and, for
 * statuses the contract does not name, short texts of our own. The rules' texts are the domain's.
 */
final class HttpMessages {
  private HttpMessages() {}

  static final String AUTH_FAILED = "内部接口鉴权失败";
  static final String TOO_MANY_AUTH_FAILURES = "鉴权失败次数过多，请稍后再试";
  static final String UNSUPPORTED_MEDIA_TYPE = "Content-Type 必须为 application/json";
  static final String BODY_TOO_LARGE = "请求体过大";
  static final String MALFORMED_BODY = "请求体不是有效的 JSON 对象";
  static final String SYSTEM_BUSY = "系统繁忙，请稍后重试";

  // CONTRACT.md §5
  static final String PAGING_INVALID = "分页参数无效";
  static final String DRY_RUN_INVALID = "X-Dry-Run 仅支持 true";
  static final String IF_MATCH_INVALID = "If-Match 格式无效";
  static final String MALFORMED_ARRAY = "请求体不是有效的 JSON 数组";
  static final String BATCH_SIZE = "批量更新条数应为 1 到 500";

  // Not in the contract: a batch has no one version that If-Match could name.
  static final String BATCH_IF_MATCH = "批量更新不支持 If-Match";

  // Not in the contract: answers of Javalin and Jetty themselves.
  static final String NO_SUCH_ROUTE = "接口不存在";
  static final String METHOD_NOT_ALLOWED = "不支持的请求方法";
  static final String URI_TOO_LONG = "请求地址过长";
  static final String HEADERS_TOO_LARGE = "请求头过大";
  static final String BAD_REQUEST = "请求无效";
  static final String REQUEST_TIMEOUT = "请求超时";

  /**
   * The text for a status that Javalin or Jetty chose (unknown route, wrong method, bad HTTP, …).
   */
  static String forStatus(int status) {
    return switch (status) {
      case 404 -> NO_SUCH_ROUTE;
      case 405 -> METHOD_NOT_ALLOWED;
      case 408 -> REQUEST_TIMEOUT;
      case 413 -> BODY_TOO_LARGE;
      case 414 -> URI_TOO_LONG;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 431 -> HEADERS_TOO_LARGE;
      default -> status >= 500 ? SYSTEM_BUSY : BAD_REQUEST;
    };
  }
}
