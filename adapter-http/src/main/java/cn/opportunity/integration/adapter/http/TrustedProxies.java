package cn.opportunity.integration.adapter.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} is believed (CONTRACT.md §6, {@code
 * OPP_TRUSTED_PROXIES}): addresses and CIDR ranges, IPv4 and IPv6. {@link #callerAddress} is the
 * one place that says who a request came from; the failed-secret throttle counts that address and
 * the access log shows it.
 *
 * <p>The rule (decisions.md, §6): start at the TCP peer; while the address at hand is a trusted
 * proxy, step to the next address to its left in {@code X-Forwarded-For}. The caller is the first
 * address that is not a trusted proxy. When the walk cannot go on — the header is missing, every
 * address in it is a trusted proxy, or the next entry is not an address — the caller is the last
 * address the walk reached. Entries left of the caller are never read: they are the caller's to
 * write, so nothing in them can change the answer. From a peer that is not trusted the header is
 * never read at all.
 */
public final class TrustedProxies {
  public static final String FORWARDED_FOR = "X-Forwarded-For";

  /** No proxy is trusted: the caller is always the TCP peer. */
  public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV4_WITH_PORT =
      Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):\\d{1,5}");
  private static final Pattern BRACKETED_IPV6 =
      Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::\\d{1,5})?");
  private static final Pattern IPV6 = Pattern.compile("(?=.*:)[0-9A-Fa-f:][0-9A-Fa-f:.]*");

  private final List<Range> ranges;
  private final List<String> written; // as configured, for toString

  /** An address with the number of leading bits that must match. */
  private record Range(byte[] address, int prefix) {
    boolean contains(byte[] candidate) {
      if (candidate.length != address.length) return false;
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) if (candidate[i] != address[i]) return false;
      int rest = prefix % 8;
      if (rest == 0) return true;
      int mask = 0xFF << (8 - rest);
      return (candidate[whole] & mask) == (address[whole] & mask);
    }
  }

  private TrustedProxies(List<Range> ranges, List<String> written) {
    this.ranges = List.copyOf(ranges);
    this.written = List.copyOf(written);
  }

  /**
   * The proxies of {@code entries}, each an address ({@code 10.0.0.7}, {@code 2001:db8::7}) or a
   * CIDR range ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); no host names.
   *
   * @throws IllegalArgumentException naming the first entry that is neither
   */
  public static TrustedProxies of(List<String> entries) {
    List<Range> ranges = new ArrayList<>(entries.size());
    List<String> written = new ArrayList<>(entries.size());
    for (String entry : entries) {
      ranges.add(range(entry.strip()));
      written.add(entry.strip());
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(ranges, written);
  }

  private static Range range(String entry) {
    int slash = entry.indexOf('/');
    String addressPart = slash < 0 ? entry : entry.substring(0, slash);
    byte[] address =
        literal(addressPart)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'" + entry + "' is not an IP address or a CIDR range"));
    int bits = address.length * 8;
    if (slash < 0) return new Range(address, bits);
    String prefixPart = entry.substring(slash + 1);
    int prefix = prefixPart.matches("\\d{1,3}") ? Integer.parseInt(prefixPart) : -1;
    if (prefix < 0 || prefix > bits)
      throw new IllegalArgumentException(
          "'" + entry + "': the prefix length must be a number from 0 to " + bits);
    return new Range(address, prefix);
  }

  /**
   * The bytes of an IP literal, IPv4 (4) or IPv6 (16; an IPv4-mapped one gives 4); empty for
   * anything else. Never a name lookup: only text that is an address reaches {@link InetAddress}.
   */
  static Optional<byte[]> literal(String text) {
    if (IPV4.matcher(text).matches()) {
      byte[] bytes = new byte[4];
      String[] parts = text.split("\\.");
      for (int i = 0; i < 4; i++) {
        int part = Integer.parseInt(parts[i]);
        if (part > 255) return Optional.empty();
        bytes[i] = (byte) part;
      }
      return Optional.of(bytes);
    }
    if (!IPV6.matcher(text).matches()) return Optional.empty();
    // With a colon and a hex digit or colon first, the JDK parses the text as an IPv6 literal and
    // refuses it when it is none: it never asks a name server.
    try {
      return Optional.of(InetAddress.getByName(text).getAddress()); // a literal: no lookup
    } catch (UnknownHostException | RuntimeException notAnAddress) {
      return Optional.empty();
    }
  }

  /**
   * An {@code X-Forwarded-For} entry as an address: an IP literal, optionally with a port ({@code
   * 203.0.113.7:4711}, {@code [2001:db8::7]:443}) or IPv6 in brackets, as some balancers write.
   */
  private static Optional<byte[]> forwardedAddress(String entry) {
    var bracketed = BRACKETED_IPV6.matcher(entry);
    if (bracketed.matches()) return literal(bracketed.group(1));
    var withPort = IPV4_WITH_PORT.matcher(entry);
    if (withPort.matches()) return literal(withPort.group(1));
    return literal(entry);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  private boolean trusts(byte[] address) {
    for (Range range : ranges) if (range.contains(address)) return true;
    return false;
  }

  /**
   * Who sent a request (the rule in the class comment).
   *
   * @param peer the TCP peer's address, as the server reports it
   * @param forwardedFor every {@code X-Forwarded-For} line of the request, in order (none when
   *     absent); several lines read as one list
   * @return {@code peer} itself, or an address from the header in its canonical form ({@link
   *     InetAddress#getHostAddress()})
   */
  public String callerAddress(String peer, List<String> forwardedFor) {
    if (ranges.isEmpty() || forwardedFor.isEmpty()) return peer;
    Optional<byte[]> peerAddress = forwardedAddress(peer);
    if (peerAddress.isEmpty() || !trusts(peerAddress.get())) return peer;
    List<String> entries = new ArrayList<>();
    for (String line : forwardedFor) for (String entry : line.split(",", -1)) entries.add(entry);
    String reached = peer;
    for (int i = entries.size() - 1; i >= 0; i--) {
      Optional<byte[]> address = forwardedAddress(entries.get(i).strip());
      if (address.isEmpty()) return reached; // not an address: the walk stops here
      reached = canonical(address.get());
      if (!trusts(address.get())) return reached;
    }
    return reached; // every address a trusted proxy: the leftmost
  }

  private static String canonical(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException impossible) { // only for a length other than 4 or 16
      throw new IllegalStateException(impossible);
    }
  }

  @Override
  public String toString() {
    return ranges.isEmpty() ? "none" : String.join(",", written);
  }
}
