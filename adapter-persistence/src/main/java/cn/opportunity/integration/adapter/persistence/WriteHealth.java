package cn.opportunity.integration.adapter.persistence;

import cn.opportunity.integration.domain.StoreUnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database file takes writes, as the last write found it. A write that fails for a
 * condition of the file — full ({@code SQLITE_FULL}), read-only ({@code SQLITE_READONLY}), an I/O
 * error ({@code SQLITE_IOERR}), unopenable ({@code SQLITE_CANTOPEN}) — is refused with {@link
 * StoreUnavailableException}, and the store reports the reason until a write succeeds again.
 *
 * <p>Each streak of such failures is logged twice, whatever its length: one error line with the
 * first failure's stack trace when it starts (and again only if the reason changes), one line with
 * the count and the duration when a write succeeds again. A full disk refusing a thousand updates a
 * second must not fill the disk that holds the log too.
 */
final class WriteHealth {
  private static final Logger log = LoggerFactory.getLogger(WriteHealth.class);

  /**
   * The primary result codes that are conditions of the file, not of the write, with SQLite's own
   * text for each ({@code sqlite3_errstr}): never a path, unlike some of its messages.
   */
  private static final Map<Integer, String> FILE_CONDITIONS =
      Map.of(
          8, "attempt to write a readonly database", // SQLITE_READONLY, and READONLY_DBMOVED …
          10, "disk I/O error", // SQLITE_IOERR and its extended codes
          13, "database or disk is full", // SQLITE_FULL
          14, "unable to open database file"); // SQLITE_CANTOPEN

  private volatile String reason; // null while writes succeed
  private long failedWrites; // in the current streak; guarded by this
  private long failingSinceNanos;

  /**
   * The condition of the file behind {@code failure} (or any of its causes, as Jdbi wraps them), in
   * SQLite's words; empty for every other failure (a constraint, a bug, a busy database …).
   */
  static Optional<String> fileCondition(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
      if (cause
          instanceof SQLException sql) { // sqlite-jdbc's error code is the primary result code
        String condition = FILE_CONDITIONS.get(sql.getErrorCode() & 0xff);
        if (condition != null) return Optional.of(condition);
      }
    }
    return Optional.empty();
  }

  /** Why writes fail now; empty while they succeed (or none was tried). */
  Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Runs one write (a transaction of its own): a success ends a streak of failures; a failure for a
   * condition of the file is counted and thrown as {@link StoreUnavailableException}; any other
   * failure is thrown as it is.
   */
  <T> T track(Supplier<T> write) {
    T result;
    try {
      result = write.get();
    } catch (RuntimeException e) {
      Optional<String> condition = fileCondition(e);
      if (condition.isEmpty()) throw e;
      throw failed(condition.get(), e, 1);
    }
    succeeded();
    return result;
  }

  /**
   * Counts {@code writes} refused for {@code condition}; logs the failure with its stack trace when
   * it starts a streak (or changes its reason), and nothing otherwise.
   *
   * @return the exception to refuse each of them with
   */
  synchronized StoreUnavailableException failed(String condition, Throwable failure, int writes) {
    if (reason == null) {
      failingSinceNanos = System.nanoTime();
      log.error(
          "store: writes failing ({}); each is refused as unavailable (HTTP 503, /health DOWN) until one succeeds;"
              + " logged once until then",
          condition,
          failure);
    } else if (!reason.equals(condition)) {
      log.error(
          "store: writes still failing, now ({}); {} failed write(s) so far",
          condition,
          failedWrites,
          failure);
    }
    reason = condition;
    failedWrites += writes;
    return new StoreUnavailableException(condition, failure);
  }

  /** A write reached the file: ends a streak of failures, if one was going on. */
  void succeeded() {
    if (reason == null) return; // the common case: one volatile read
    synchronized (this) {
      if (reason == null) return;
      Duration over =
          Duration.ofNanos(System.nanoTime() - failingSinceNanos).truncatedTo(ChronoUnit.MILLIS);
      log.info("store: writes succeed again after {} failed write(s) over {}", failedWrites, over);
      reason = null;
      failedWrites = 0;
    }
  }
}
