package dev.floodgate.ops.stack;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Creates the demo event through the operator API, as an operator would, and opens its queue, so a newcomer can
 * (10,000 standing; 2,000 numbered seats in sections A-D of 20 rows of 25)
 * click or curl through at once. An event that already exists (a second start on the same data) keeps its stock;
 * its queue is opened again if a cold grid left it closed.
 */
final class DemoEvent {
    static final String EVENT_ID = "demo-drop";

    private DemoEvent() {
    }

    static void ensure(String edgeUrl, String username, String password) {
        WebClient client = WebClient.builder().baseUri(edgeUrl).readTimeout(Duration.ofSeconds(10)).build();
        String auth = "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        String body = """
                {"eventId":"%s","name":"Floodgate Demo Drop","startsAt":"%s","maxPerFan":4,"holdTtlSeconds":600,
                 "categories":[
                   {"categoryId":"standing","name":"Standing","capacity":10000,"priceMinor":4500,"currency":"EUR"},
                   {"categoryId":"seated","name":"Seated","priceMinor":8900,"currency":"EUR","sections":[
                     {"sectionId":"A","rowCount":20,"seatsPerRow":25},{"sectionId":"B","rowCount":20,"seatsPerRow":25},
                     {"sectionId":"C","rowCount":20,"seatsPerRow":25},{"sectionId":"D","rowCount":20,"seatsPerRow":25}]}],
                 "queue":{"ratePerMinute":600,"batchSize":10}}
                """.formatted(EVENT_ID, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        try (HttpClientResponse res = client.method(Method.POST).path("/api/operator/events")
                .header(HeaderNames.AUTHORIZATION, auth).header(HeaderNames.CONTENT_TYPE, "application/json")
                .submit(body)) {
            int code = res.status().code();
            if (code != 201 && code != 409) {
                throw new IllegalStateException("creating the demo event failed: " + code + " " + res.as(String.class));
            }
        }
        try (HttpClientResponse res = client.method(Method.POST).path("/api/operator/events/" + EVENT_ID + "/queue/open")
                .header(HeaderNames.AUTHORIZATION, auth).request()) {
            // 409: already open from an earlier start on the same data.
            if (res.status().code() != 200 && res.status().code() != 409) {
                throw new IllegalStateException("opening the demo queue failed: " + res.status().code() + " "
                        + res.as(String.class));
            }
        }
    }
}
