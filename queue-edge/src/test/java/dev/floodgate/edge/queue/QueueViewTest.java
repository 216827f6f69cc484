package dev.floodgate.edge.queue;

import dev.floodgate.contracts.http.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written status body is exactly what the shared JSON mapper writes for the record. */
class QueueViewTest {
    @Test
    void theHandWrittenJsonIsTheMappersJsonForEveryShape() {
        List<QueueView> views = List.of(
                new QueueView("PRE_QUEUE", 7, null, null, null, null, null, null, true, false, null, 2000, false, null),
                new QueueView("WAITING", 123_456, 99_999L, 12_345L, 3_600L, 0.37, null, null, true, false, null, 2000, false, null),
                new QueueView("SOLD_OUT", 1, 1L, 0L, null, 0.0, null, null, true, false, null, 2000, false, null),
                new QueueView("WAITING", Long.MAX_VALUE, Long.MAX_VALUE, 0L, 1L, 1.0, null, null, true, false, null, 2000, false, null),
                new QueueView("ADMITTED", 3, 3L, 0L, 0L, null, "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_",
                        Instant.parse("2030-06-01T19:10:00Z"), true, false, null, 5000, false, null),
                new QueueView("ADMISSION_EXPIRED", 3, 3L, 0L, 0L, null, null, Instant.ofEpochSecond(1), true, false, null, 0, false, null),
                new QueueView("odd \"state\" \\ \n\t\b\f\r\u0001\u001f é", 0, null, null, null, 0.05, null, null, false, true, Instant.ofEpochSecond(2), 25000, true,
                        "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJwbGFjZX4xIn0.c2ln"));
        for (QueueView view : views) {
            assertThat(view.json()).isEqualTo(Json.writeString(view));
        }
    }
}
