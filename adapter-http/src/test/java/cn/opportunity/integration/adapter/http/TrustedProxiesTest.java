package cn.opportunity.integration.adapter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The caller-address rule of CONTRACT.md §6, one case per edge (decisions.md, §6). */
class TrustedProxiesTest {
  static final TrustedProxies BALANCERS =
      TrustedProxies.of(List.of("10.0.0.7", "192.168.0.0/16", "2001:db8::/32"));

  static String caller(String peer, String... forwardedFor) {
    return BALANCERS.callerAddress(peer, List.of(forwardedFor));
  }

  @Test
  void believesATrustedPeerAndTakesTheRightmostAddressThatIsNoTrustedProxy() {
    assertEquals("203.0.113.9", caller("10.0.0.7", "203.0.113.9"));
    assertEquals(
        "203.0.113.9",
        caller("10.0.0.7", "198.51.100.1, 203.0.113.9, 192.168.4.4"),
        "a chain of trusted proxies is walked; what the caller wrote further left is not read");
    assertEquals("203.0.113.9", caller("192.168.200.1", "203.0.113.9,192.168.0.1,10.0.0.7"));
  }

  @Test
  void ignoresTheHeaderFromAPeerThatIsNotTrusted() {
    assertEquals("10.0.0.8", caller("10.0.0.8", "203.0.113.9"));
    assertEquals("172.16.0.1", caller("172.16.0.1", "10.0.0.7"));
    assertEquals(
        "127.0.0.1",
        TrustedProxies.NONE.callerAddress("127.0.0.1", List.of("203.0.113.9")),
        "no trusted proxy: always the peer");
    assertTrue(TrustedProxies.NONE.isEmpty());
    assertTrue(TrustedProxies.of(List.of()).isEmpty());
  }

  @Test
  void answersThePeerWithoutAHeaderAndTheLeftmostWhenEveryAddressIsATrustedProxy() {
    assertEquals("10.0.0.7", caller("10.0.0.7"));
    assertEquals("192.168.1.1", caller("10.0.0.7", "192.168.1.1, 10.0.0.7"));
  }

  @Test
  void stopsAtAnEntryThatIsNoAddressWithTheLastAddressReached() {
    assertEquals("10.0.0.7", caller("10.0.0.7", "unknown"));
    assertEquals("10.0.0.7", caller("10.0.0.7", ""));
    assertEquals("192.168.1.1", caller("10.0.0.7", "203.0.113.9, example.com, 192.168.1.1"));
    assertEquals("10.0.0.7", caller("10.0.0.7", "203.0.113.9, "), "an empty last entry");
    assertEquals("10.0.0.7", caller("10.0.0.7", "256.1.1.1"));
  }

  @Test
  void neverLetsWhatTheCallerWroteMakeItAnotherCallerOrTheBalancer() {
    assertEquals("203.0.113.9", caller("10.0.0.7", "garbage, 203.0.113.9"));
    assertEquals("203.0.113.9", caller("10.0.0.7", "10.0.0.7, 203.0.113.9"));
  }

  @Test
  void readsSeveralHeaderLinesAsOneList() {
    assertEquals("203.0.113.9", caller("10.0.0.7", "198.51.100.1", "203.0.113.9, 192.168.9.9"));
    assertEquals("198.51.100.1", caller("10.0.0.7", "198.51.100.1", "192.168.9.9"));
  }

  @Test
  void knowsIpv6RangesAndCanonicalForms() {
    assertEquals("2001:db9:0:0:0:0:0:1", caller("2001:db8::7", "2001:DB9::1"));
    assertEquals("2001:db9:0:0:0:0:0:1", caller("[2001:db8::7]", "[2001:db9::1]:443"));
    assertEquals("2001:db8:0:0:0:0:0:1", caller("10.0.0.7", "2001:db8::1"), "all trusted");
    assertEquals("2001:db9::7", caller("2001:db9::7", "203.0.113.9"), "not trusted");
    assertEquals("203.0.113.9", caller("::ffff:10.0.0.7", "203.0.113.9"), "IPv4-mapped");
  }

  @Test
  void takesAnAddressWithAPortAsTheAddress() {
    assertEquals("203.0.113.9", caller("10.0.0.7", "203.0.113.9:51234"));
    assertEquals("203.0.113.9", caller("10.0.0.7", "203.0.113.9, 192.168.0.1:80"));
  }

  @Test
  void matchesRangesBitByBit() {
    TrustedProxies ranges = TrustedProxies.of(List.of("10.1.2.128/25", " 0.0.0.0/0 ", "::/0"));
    assertEquals("10.1.2.200", ranges.callerAddress("10.1.2.200", List.of()));
    TrustedProxies narrow = TrustedProxies.of(List.of("10.1.2.128/25"));
    assertEquals("203.0.113.9", narrow.callerAddress("10.1.2.129", List.of("203.0.113.9")));
    assertEquals("10.1.2.127", narrow.callerAddress("10.1.2.127", List.of("203.0.113.9")));
    TrustedProxies everyone = TrustedProxies.of(List.of("0.0.0.0/0"));
    assertEquals("1.2.3.4", everyone.callerAddress("9.9.9.9", List.of("1.2.3.4, 5.6.7.8")));
    TrustedProxies nibble = TrustedProxies.of(List.of("fd00::/12"));
    assertEquals("1.2.3.4", nibble.callerAddress("fd0f::1", List.of("1.2.3.4")));
    assertEquals("fd10::1", nibble.callerAddress("fd10::1", List.of("1.2.3.4")));
  }

  @Test
  void refusesWhatIsNoAddressOrRangeNamingIt() {
    for (String bad :
        List.of(
            "proxy.example.com",
            "10.0.0",
            "10.0.0.256",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "2001:db8::/129",
            "2001:db8:::1",
            ".:1",
            "10.0.0.1:80",
            "fe80::1%eth0")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of(bad)), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void printsWhatWasConfigured() {
    assertEquals("10.0.0.7,192.168.0.0/16,2001:db8::/32", BALANCERS.toString());
    assertEquals("none", TrustedProxies.NONE.toString());
    assertFalse(BALANCERS.isEmpty());
  }
}
