package dev.warden.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HttpUrlTest {
    static String url(String scheme, String host, int port, String path, String query) {
        return HttpCalls.redactedUrl(new StringBuilder(), scheme, dev.warden.rules.Hosts.normalize(host), port, path, query);
    }

    @Test
    void queryValuesAreDroppedAndNamesKept() {
        assertEquals("https://api.example.com/v1/pay?token=&amount=&flag", url("https", "api.example.com", -1, "/v1/pay", "token=abc&amount=10&flag"));
        assertEquals("https://api.example.com/", url("https", "api.example.com", -1, "/", ""));
    }

    @Test
    void hostsAreNormalisedAndIpv6Bracketed() {
        assertEquals("http://[::1]:8080/x", url("http", "[::1]", 8080, "/x", null));
        assertEquals("https://xn--bcher-kva.example/", url("https", "Bücher.Example.", -1, "/", null));
        assertEquals("https://mixed.case.example/", url("https", "MiXeD.CaSe.EXAMPLE", -1, "/", null));
    }

    @Test
    void userinfoNeverSurvives() {
        URI uri = URI.create("https://alice:secret@pay.example.com:8443/refund?id=7");
        assertEquals("pay.example.com", HttpCalls.hostOf(uri));
        assertEquals("https://pay.example.com:8443/refund?id=", url(uri.getScheme(), HttpCalls.hostOf(uri), uri.getPort(), uri.getRawPath(), uri.getRawQuery()));
        assertEquals("under_score.example", HttpCalls.hostOf(URI.create("http://u:p@under_score.example:81/")));
    }

    @Test
    void defaultPortsAreKnown() {
        assertEquals(443, HttpCalls.defaultPort("https"));
        assertEquals(80, HttpCalls.defaultPort("http"));
        assertEquals(-1, HttpCalls.defaultPort("ftp"));
    }
}
