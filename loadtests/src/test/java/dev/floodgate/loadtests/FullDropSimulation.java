package dev.floodgate.loadtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import static dev.floodgate.loadtests.Chains.OPERATOR_AUTH;
import static dev.floodgate.loadtests.Chains.QUEUE;
import static dev.floodgate.loadtests.Chains.honouringRetryAfter;
import static dev.floodgate.loadtests.Chains.retrying;
import static dev.floodgate.loadtests.DropSettings.*;
import static dev.floodgate.loadtests.LoadSettings.*;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The drop at full size: {@code floodgate.fans} (200,000) fans arrive within {@code floodgate.arrivalSeconds} (60) for
 * {@code floodgate.capacity} tickets (10,000 at full size; by default the same 1:20 ratio for smaller runs). The
 * operator creates a fresh event with its queue not yet open; a {@code floodgate.preQueuePercent} share joins the
 * pre-queue during the first {@code floodgate.openAfterSeconds}, the operator then opens the queue (shuffling the
 * pre-queue), and the rest arrive in the rush.
 *
 * <p><b>Who the fans are.</b> Most arrive signed in at a test identity provider that runs in this JVM
 * ({@link TestIdentityProvider}: ES256 tokens the edge trusts as an external issuer), so no fan costs an Argon2
 * sign-up. A {@code floodgate.anonymousShare} (default 0, capped by {@code floodgate.anonymousMax}) joins anonymously
 * instead (challenge, place token) and signs up while waiting, then binds the place to the new account.
 *
 * <p><b>Waiting.</b> Fans poll their status at the interval the server advises ({@code pollAfterMillis}), or, from a
 * server without that field, at a bounded, jittered interval that grows with the fans ahead (see
 * {@link DropSettings}). A fan whose next poll is far away sends {@code Connection: close}, so 200,000 waiting fans
 * hold no sockets (the edge and the injector have 20,000 files each); near the front they keep the connection. No
 * live stream: each stream holds a connection for its whole life, which 200,000 fans cannot have here, and polling at
 * the advised interval already bounds how late a fan learns its news.
 *
 * <p><b>Shopping.</b> Admitted fans think, hold, a share walks away from the hold (it expires and is sold again), the
 * others think, tokenise a card (a share is declined), order and poll the order until final, then leave. A fan that
 * sees SOLD_OUT keeps polling in case tickets come back (a declined payment, an expired hold) until the whole capacity
 * is sold or its patience ({@code floodgate.maxWaitSeconds} from arriving) runs out; a fan refused at the door as sold
 * out tries to join again every {@code floodgate.soldOutRetryMinMillis}..{@code MaxMillis} on the same terms. Both
 * failed CI runs when fans left early: tickets that came back (declined payments, abandoned holds) after every fan
 * with a place had been admitted and gone stayed unsold.
 *
 * <p><b>Asserts</b> no failed request (so no 5xx; sold-out 409s and waited-out 429s are expected answers), join and
 * status p99 under {@code floodgate.joinP99Millis} / {@code floodgate.statusP99Millis}, every order final, the
 * operator figures (0 oversold, counters add up, nothing held, sold = tickets seen PAID), every ticket sold, the
 * payment audit {@code ok}, every fan ending ADMITTED or SOLD_OUT, and each waiting fan learning SOLD_OUT within
 * {@code floodgate.soldOutNoticeMaxSeconds} of the sell-out. The last two are checks carried by one operator read each
 * ("fans: ..."), so they show in Gatling's report and assertions.
 */
public class FullDropSimulation extends Simulation {
    static {
        DropSettings.Defaults.apply();
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WAIT_ENDS = Set.of("CLOSED", "ADMISSION_EXPIRED", "JOIN_REFUSED", "NO_PLACE");
    private static final String FIGURES = QUEUE.replace("/api/events/", "/api/operator/events/").replace("/queue", "/figures");

    // What the fans did; printed at the end and checked by the "fans: ..." requests.
    private static final AtomicInteger FAN_NUMBERS = new AtomicInteger();
    private static final AtomicInteger ANONYMOUS_TAKEN = new AtomicInteger();
    private static final AtomicLong PRE_QUEUE_JOINED = new AtomicLong();
    private static final AtomicLong FANS_DONE = new AtomicLong();
    private static final Map<String, LongAdder> OUTCOMES = new ConcurrentHashMap<>();
    private static final LongAdder ANONYMOUS_SIGNED_UP = new LongAdder();
    private static final LongAdder ANONYMOUS_BOUND = new LongAdder();
    private static final LongAdder ADVISED_POLLS = new LongAdder();
    private static final LongAdder FALLBACK_POLLS = new LongAdder();
    private static final LongAdder CLOSING_POLLS = new LongAdder();
    private static final LongAdder SOLD_OUT_AT_JOIN = new LongAdder();
    private static final LongAdder JOIN_RETRIES = new LongAdder();
    private static final LongAdder JOINED_ON_RETRY = new LongAdder();
    /** {joined at, first saw SOLD_OUT at, the fan's read before (not SOLD_OUT) at} per sighting, epoch millis. */
    private static final ConcurrentLinkedQueue<long[]> SOLD_OUT_SIGHTINGS = new ConcurrentLinkedQueue<>();
    /** Moments the event's stock went from some available to none (the sell-out as the server sees it). */
    private static final List<Long> SELL_OUT_ONSETS = new CopyOnWriteArrayList<>();
    /** Moments the watcher saw some stock available (one per read: at most one a second over the run). */
    private static final List<Long> STOCK_SEEN = new CopyOnWriteArrayList<>();
    private static volatile boolean allSold;
    private static volatile long allSoldAtMillis;
    private static volatile long openedAtMillis;
    private static volatile long firstArrivalMillis;

    private final TestIdentityProvider idp = new TestIdentityProvider(IDP_HOST, IDP_PORT, IDP_ISSUER, IDP_AUDIENCE,
            Duration.ofHours(2));

    private final ScenarioBuilder operator = scenario("operator creates the event (queue not open)")
            .exec(Chains.createEvent(false))
            .exec(warmKeys())
            .exec(s -> {
                System.out.println("floodgate: full drop: " + DropSettings.describe());
                System.out.println("floodgate: test identity provider " + IDP_ISSUER + " keys at " + idp.jwksUrl());
                return s;
            });

    private final ScenarioBuilder opener = scenario("operator opens the queue after the pre-queue")
            .pause(OPEN_AFTER)
            .asLongAsDuring(s -> PRE_QUEUE_JOINED.get() < preQueueFans(), PRE_QUEUE_JOIN_WAIT).on(pause(Duration.ofMillis(200)))
            .exec(Chains.openQueue())
            .exec(s -> {
                openedAtMillis = System.currentTimeMillis();
                System.out.println("floodgate: queue opened with " + PRE_QUEUE_JOINED.get() + " of " + preQueueFans()
                        + " pre-queue fans in");
                return s;
            });

    private final ScenarioBuilder watcher = scenario("operator watches the figures")
            .exec(s -> s.set("lastAvailable", -1L))
            .asLongAsDuring(s -> FANS_DONE.get() < FANS, watchLimit()).on(
                    // The public event read, not the operator's figures: when this was written each operator call
                    // cost the edge an Argon2 check of the Basic credentials, 12% of the stack's CPU samples in a
                    // 10,000-fan run read every second (Basic is now verified once per 30 s, sessions by SHA-256).
                    exec(http("watch: event stock").get("/api/events/" + EVENT_ID)
                            .check(status().is(200), bodyString().saveAs("figures")))
                            .exec(FullDropSimulation::noteFigures)
                            .pause(FIGURES_EVERY));

    private final ScenarioBuilder audit = scenario("operator audits the drop")
            .exec(Chains.audit())
            .exec(http("operator: all tickets sold").get(FIGURES).header("Authorization", OPERATOR_AUTH)
                    .check(status().is(200), jmesPath("sold").ofInt().is(capacity())))
            .exec(http("payment audit").get(WORKER_URL + "/api/operator/audit").header("Authorization", OPERATOR_AUTH)
                    .check(status().is(200), jmesPath("ok").ofBoolean().is(true)))
            .exec(http("fans: every fan ADMITTED or SOLD_OUT").get(FIGURES).header("Authorization", OPERATOR_AUTH)
                    .check(status().is(200), bodyString().transform(b -> unresolvedFans()).is(0L)))
            .exec(http("fans: SOLD_OUT learnt within the bound").get(FIGURES).header("Authorization", OPERATOR_AUTH)
                    .check(status().is(200), bodyString().transform(b -> soldOutNoticeMillis()[1])
                            .lte(SOLD_OUT_NOTICE_MAX.toMillis())));

    {
        int pre = preQueueFans();
        int rush = FANS - pre;
        List<PopulationBuilder> crowd = new ArrayList<>();
        if (pre > 0) {
            crowd.add(scenario("fans in the pre-queue").exec(fan(true)).injectOpen(rampUsers(pre).during(OPEN_AFTER)));
        }
        if (rush > 0) {
            Duration rushTime = ARRIVAL.compareTo(OPEN_AFTER) > 0 ? ARRIVAL.minus(OPEN_AFTER) : Duration.ofSeconds(1);
            crowd.add(scenario("fans in the rush").exec(fan(false))
                    .injectOpen(nothingFor(OPEN_AFTER), rampUsers(rush).during(rushTime)));
        }
        crowd.add(opener.injectOpen(atOnceUsers(1)));
        crowd.add(watcher.injectOpen(atOnceUsers(1)).andThen(audit.injectOpen(atOnceUsers(1))));

        setUp(operator.injectOpen(atOnceUsers(1)).andThen(crowd))
                .protocols(protocol())
                .assertions(
                        global().failedRequests().count().is(0L),
                        details("join").responseTime().percentile(99.0).lt(JOIN_P99_MILLIS),
                        details("queue status").responseTime().percentile(99.0).lt(STATUS_P99_MILLIS),
                        details("order final").failedRequests().count().is(0L),
                        details("operator: final figures").successfulRequests().count().is(1L),
                        details("operator: all tickets sold").successfulRequests().count().is(1L),
                        details("payment audit").successfulRequests().count().is(1L),
                        details("fans: every fan ADMITTED or SOLD_OUT").successfulRequests().count().is(1L),
                        details("fans: SOLD_OUT learnt within the bound").successfulRequests().count().is(1L));
    }

    /**
     * Before the crowd: one request with a provider token, so the edge fetches the provider's JWKS now, as a real
     * deployment has long before its drop. The edge fetches lazily and fails closed (503) while it cannot, retrying
     * at most every {@code jwks-min-refetch-millis} (10 s); a loaded machine can make the first fetch miss its 2 s
     * timeout. 503 here is expected until the keys are in (not a failed request); 404 = verified, not in the queue.
     */
    private ChainBuilder warmKeys() {
        return exec(s -> s.set("statusToken", idp.tokenFor("warm-up")).set("code", 503).set("tries", 0))
                .asLongAs(s -> s.getInt("code") == 503 && s.getInt("tries") < 7).on(
                        exec(s -> s.set("tries", s.getInt("tries") + 1))
                                .exec(http("identity provider: edge fetches its keys").get(QUEUE)
                                        .header("Authorization", "Bearer #{statusToken}")
                                        .check(status().in(200, 404, 503).saveAs("code")))
                                .doIf(s -> s.getInt("code") == 503).then(pause(Duration.ofSeconds(11))))
                .exec(http("identity provider: keys in").get(QUEUE).header("Authorization", "Bearer #{statusToken}")
                        .check(status().in(200, 404)));
    }

    private static HttpProtocolBuilder protocol() {
        HttpProtocolBuilder protocol = http.baseUrls(EDGE_URLS)
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("floodgate-loadtests")
                .disableWarmUp()
                // Per fan and per request: "close" when the fan's next request is far off (see planPoll).
                .connectionHeader(s -> s.contains("conn") ? s.getString("conn") : "keep-alive");
        return LOCAL_ADDRESSES == 0 ? protocol : protocol.localAddresses(localAddresses());
    }

    /** One fan, from arrival to ADMITTED (and shopping) or SOLD_OUT. */
    private ChainBuilder fan(boolean preQueue) {
        return exec(s -> {
            if (firstArrivalMillis == 0) {
                firstArrivalMillis = System.currentTimeMillis();
            }
            int n = FAN_NUMBERS.incrementAndGet();
            boolean anonymous = ThreadLocalRandom.current().nextDouble(100) < ANONYMOUS_PERCENT
                    && ANONYMOUS_TAKEN.incrementAndGet() <= anonymousCap();
            // The first request goes out before anything is known about the wait, and most fans wait long.
            return s.set("fanNo", n).set("pre", preQueue).set("anonymous", anonymous).set("conn", "close")
                    .set("email", "drop-" + n + "-" + UUID.randomUUID() + "@load.test")
                    .set("arrivedAt", System.currentTimeMillis());
        })
                .exec(join())
                // Refused at the door as sold out ("try again later in case held tickets return"): the fan comes
                // back now and then, as long as something may still come back and its patience lasts. Without
                // them a ticket returned after every fan with a place had been admitted and gone stayed unsold.
                .asLongAs(FullDropSimulation::triesAgainLater).on(
                        exec(s -> {
                            int min = SOLD_OUT_RETRY_MIN_MILLIS, max = Math.max(min, SOLD_OUT_RETRY_MAX_MILLIS);
                            return s.set("retryPause", ThreadLocalRandom.current().nextLong(min, max + 1L))
                                    .set("conn", "close");
                        })
                                .pause(s -> Duration.ofMillis(s.getLong("retryPause")))
                                .doIf(s -> !allSold).then(
                                        exec(s -> { JOIN_RETRIES.increment(); return s.remove("soldOutAtJoin")
                                                .remove("state").remove("joinBody"); })
                                                .exec(join())
                                                .doIf(s -> !s.contains("soldOutAtJoin")).then(
                                                        exec(s -> { JOINED_ON_RETRY.increment(); return s; }))))
                .exec(FullDropSimulation::joined)
                .asLongAs(s -> !waitOver(s)).on(
                        exec(FullDropSimulation::planPoll)
                                .pause(s -> Duration.ofMillis(s.getLong("pauseMillis")))
                                .doIf(FullDropSimulation::timeToSignUp).then(signUpAndBind())
                                .exec(statusRead("queue status", "#{statusToken}"))
                                .exec(FullDropSimulation::noteState))
                .exec(FullDropSimulation::recordOutcome)
                .doIf(s -> s.contains("admission")).then(shop())
                .exec(s -> { FANS_DONE.incrementAndGet(); return s; });
    }

    private ChainBuilder join() {
        return doIfOrElse(s -> s.getBoolean("anonymous")).then(anonymousJoin()).orElse(signedInJoin());
    }

    private static boolean triesAgainLater(Session s) {
        return s.contains("soldOutAtJoin") && !allSold
                && System.currentTimeMillis() - s.getLong("arrivedAt") <= MAX_QUEUE_WAIT.toMillis();
    }

    /** A fan signed in at the test identity provider joins with its token. */
    private ChainBuilder signedInJoin() {
        return exec(s -> {
            String token = idp.tokenFor("fan-" + s.getInt("fanNo"));
            return s.set("fanToken", token).set("statusToken", token);
        })
                .exec(honouringRetryAfter(http("join").post(QUEUE).header("Authorization", "Bearer #{statusToken}"),
                        status().in(200, 201, 409, 429), bodyString().saveAs("body")))
                .exec(FullDropSimulation::readJoin);
    }

    /** A visitor without an account: solves the join challenge and takes a place (a place token, not bound yet). */
    private static ChainBuilder anonymousJoin() {
        return exec(honouringRetryAfter(http("anonymous: challenge").post(QUEUE + "/challenge"),
                status().in(200, 201, 429), bodyString().saveAs("body")))
                .exec(s -> {
                    if (s.getInt("code") / 100 != 2) {
                        return s.remove("body");
                    }
                    JsonNode c = parse(s.getString("body"));
                    int bits = c.path("difficultyBits").asInt(0);
                    String algorithm = c.path("algorithm").asText(Challenges.ALGORITHM);
                    if (!Challenges.ALGORITHM.equals(algorithm)) {
                        throw new IllegalStateException("unknown challenge algorithm " + algorithm);
                    }
                    String body = bits <= 0 ? "{}" : "{\"challenge\":\"" + c.path("challenge").asText()
                            + "\",\"nonce\":\"" + Challenges.solve(c.path("challenge").asText(), bits) + "\"}";
                    return s.set("joinBody", body).remove("body");
                })
                .doIf(s -> s.contains("joinBody")).then(
                        honouringRetryAfter(http("anonymous: join").post(QUEUE).body(StringBody("#{joinBody}")),
                                status().in(200, 201, 409, 429), bodyString().saveAs("body")))
                .exec(FullDropSimulation::readJoin)
                .exec(s -> {
                    if (!s.contains("placeToken")) {
                        return s;
                    }
                    int min = SIGN_UP_AFTER_MIN_MILLIS, max = Math.max(SIGN_UP_AFTER_MIN_MILLIS, SIGN_UP_AFTER_MAX_MILLIS);
                    return s.set("statusToken", s.getString("placeToken")).set("bound", false)
                            .set("signUpAt", System.currentTimeMillis() + ThreadLocalRandom.current().nextLong(min, max + 1L));
                });
    }

    private static boolean timeToSignUp(Session s) {
        return s.getBoolean("anonymous") && s.contains("placeToken") && !s.contains("signUpTried")
                && (System.currentTimeMillis() >= s.getLong("signUpAt") || "AWAITING_SIGN_IN".equals(s.getString("state")));
    }

    /** The anonymous visitor signs up (one Argon2 hash on the edge) and binds the place to the new account. */
    private static ChainBuilder signUpAndBind() {
        return exec(s -> s.set("signUpTried", true).set("conn", "keep-alive"))
                .exec(retrying(Set.of(429, 503), http("anonymous: sign up").post("/api/fans")
                                .body(StringBody("{\"email\":\"#{email}\",\"password\":\"load-test-password\",\"displayName\":\"Drop fan\"}")),
                        status().in(201, 429), jmesPath("token").optional().saveAs("fanToken")))
                .doIf(s -> s.contains("fanToken")).then(
                        exec(s -> { ANONYMOUS_SIGNED_UP.increment(); return s; })
                                .exec(honouringRetryAfter(http("anonymous: bind").post(QUEUE + "/bind")
                                                .header("Authorization", "Bearer #{fanToken}")
                                                .body(StringBody("{\"placeToken\":\"#{placeToken}\"}")),
                                        status().in(200, 201, 429), bodyString().saveAs("body")))
                                .exec(s -> {
                                    if (s.getInt("code") / 100 != 2) {
                                        return s.remove("body");
                                    }
                                    ANONYMOUS_BOUND.increment();
                                    return readStatus(s).set("bound", true).set("statusToken", s.getString("fanToken"));
                                }));
    }

    private static ChainBuilder statusRead(String name, String token) {
        return exec(honouringRetryAfter(http(name).get(QUEUE).header("Authorization", "Bearer " + token),
                status().in(200, 429), bodyString().saveAs("body")))
                .exec(s -> s.getInt("code") == 200 ? readStatus(s) : s.remove("body"));
    }

    /** Admitted: think, hold, then walk away (a share) or think, pay, follow the order, and leave the queue. */
    private static ChainBuilder shop() {
        return exec(s -> s.set("conn", "keep-alive").set("abandon", ThreadLocalRandom.current().nextInt(100) < ABANDON_PERCENT))
                .pause(FullDropSimulation::think)
                .exec(Chains.hold())
                .doIf(s -> s.contains("holdId")).then(
                        exec(s -> {
                            if (s.getBoolean("abandon")) {
                                Chains.HOLDS_ABANDONED.incrementAndGet();
                            }
                            return s;
                        })
                                .doIf(s -> !s.getBoolean("abandon")).then(
                                        pause(FullDropSimulation::think).exec(Chains.buy("#{admission}"))))
                // A fan who walked away closes the tab: no leave, the admission runs out by itself.
                .doIf(s -> !(s.contains("holdId") && s.getBoolean("abandon"))).then(
                        exec(s -> s.set("conn", "close")).exec(Chains.leave()));
    }

    private static Duration think(Session s) {
        int max = Math.max(THINK_MIN_MILLIS, THINK_MAX_MILLIS);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(THINK_MIN_MILLIS, max + 1L));
    }

    /** A join's answer: its status (201/200), sold out (409, code SOLD_OUT), or something that left no place. */
    private static Session readJoin(Session s) {
        int code = s.contains("code") ? s.getInt("code") : 0;
        if (code == 200 || code == 201) {
            return readStatus(s);
        }
        String error = s.contains("body") ? parse(s.getString("body")).path("errors").path(0).path("code").asText("") : "";
        s = s.remove("body");
        if (code == 409 && error.equals("SOLD_OUT")) {
            SOLD_OUT_AT_JOIN.increment();
            return s.set("state", "SOLD_OUT").set("soldOutAtJoin", true);
        }
        return s.set("state", code == 409 ? "JOIN_REFUSED" : "NO_PLACE").set("joinCode", code);
    }

    private static Session joined(Session s) {
        if (s.getBoolean("pre") && !s.contains("soldOutAtJoin") && !WAIT_ENDS.contains(s.getString("state"))) {
            PRE_QUEUE_JOINED.incrementAndGet();
        }
        return s.set("joinedAt", System.currentTimeMillis());
    }

    /** Reads a status body into the session: state, admission token, advice, fans ahead, place token. */
    private static Session readStatus(Session s) {
        JsonNode status = parse(s.getString("body"));
        s = s.remove("body").remove("pollAfter").remove("fansAhead");
        if (status.hasNonNull("state")) {
            s = s.set("state", status.get("state").asText());
        }
        if (status.hasNonNull("admissionToken")) {
            s = s.set("admission", status.get("admissionToken").asText());
        }
        if (status.hasNonNull("pollAfterMillis")) {
            s = s.set("pollAfter", status.get("pollAfterMillis").asLong());
        }
        if (status.hasNonNull("fansAhead")) {
            s = s.set("fansAhead", status.get("fansAhead").asLong());
        }
        if (status.hasNonNull("placeToken")) {
            s = s.set("placeToken", status.get("placeToken").asText());
        }
        return s;
    }

    /**
     * When to read the status next: the server's advice when it gives one, else a bounded, jittered interval that
     * grows with the fans ahead. The request after a long wait goes out with {@code Connection: close}: the interval
     * just planned predicts the next one (it changes slowly with the fan's distance), so a fan far back gives its
     * socket back after each answer.
     */
    private static Session planPoll(Session s) {
        long millis;
        if (s.contains("pollAfter") && s.getLong("pollAfter") > 0) {
            ADVISED_POLLS.increment();
            millis = Math.clamp(s.getLong("pollAfter"), 250, 600_000);
        } else {
            FALLBACK_POLLS.increment();
            double raw = s.contains("fansAhead") ? (double) s.getLong("fansAhead") * POLL_FALLBACK_MILLIS_PER_FAN_AHEAD
                    : POLL_MAX_MILLIS;
            double jitter = 1 + (ThreadLocalRandom.current().nextDouble(2) - 1) * POLL_JITTER_PERCENT / 100.0;
            millis = Math.clamp(Math.round(raw * jitter), POLL_MIN_MILLIS, Math.max(POLL_MIN_MILLIS, POLL_MAX_MILLIS));
        }
        boolean close = millis > KEEP_ALIVE_MAX_IDLE_MILLIS;
        if (close) {
            CLOSING_POLLS.increment();
        }
        return s.set("pauseMillis", millis).set("conn", close ? "close" : "keep-alive");
    }

    private static Session noteState(Session s) {
        boolean soldOut = "SOLD_OUT".equals(s.getString("state"));
        long now = System.currentTimeMillis();
        if (soldOut && !s.contains("soldOutSeenAt")) {
            long before = s.contains("readAt") ? s.getLong("readAt") : s.getLong("joinedAt");
            SOLD_OUT_SIGHTINGS.add(new long[] {s.getLong("joinedAt"), now, before});
            return s.set("soldOutSeenAt", now).set("readAt", now);
        }
        // Tickets came back (a declined payment, an expired hold): a later sell-out is a new sighting.
        return (soldOut ? s : s.remove("soldOutSeenAt")).set("readAt", now);
    }

    private static boolean waitOver(Session s) {
        String state = s.getString("state");
        if (s.contains("admission") || state == null || WAIT_ENDS.contains(state)
                || System.currentTimeMillis() - s.getLong("arrivedAt") > MAX_QUEUE_WAIT.toMillis()) {
            return true;
        }
        if ("SOLD_OUT".equals(state)) {
            // A ticket still held may come back until everything is sold; a fan still refused at the door after
            // its last try (everything sold, or patience gone) has no place to wait in.
            return s.contains("soldOutAtJoin") || allSold;
        }
        return false;
    }

    private static Session recordOutcome(Session s) {
        String outcome;
        if (s.contains("admission")) {
            outcome = "ADMITTED";
        } else if ("SOLD_OUT".equals(s.getString("state"))) {
            outcome = "SOLD_OUT";
        } else if ("NO_PLACE".equals(s.getString("state")) || "JOIN_REFUSED".equals(s.getString("state"))) {
            outcome = s.getString("state") + " (" + s.getInt("joinCode") + ")";
        } else {
            outcome = "still " + s.getString("state");
        }
        String kind = s.getBoolean("anonymous") ? (s.contains("bound") && s.getBoolean("bound") ? "anonymous, bound"
                : "anonymous, not bound") : "signed in at the test provider";
        OUTCOMES.computeIfAbsent(kind + " -> " + outcome, k -> new LongAdder()).increment();
        return s;
    }

    private static Session noteFigures(Session s) {
        long available = 0, sold = 0;
        for (JsonNode category : parse(s.getString("figures")).path("categories")) {
            available += category.path("available").asLong();
            sold += category.path("sold").asLong();
        }
        long last = s.getLong("lastAvailable");
        long now = System.currentTimeMillis();
        if (available == 0 && last != 0) {
            SELL_OUT_ONSETS.add(now);
        } else if (available > 0) {
            STOCK_SEEN.add(now);
        }
        if (!allSold && sold >= capacity()) {
            allSoldAtMillis = now;
            allSold = true;
        }
        return s.set("lastAvailable", available).remove("figures");
    }

    private static Duration watchLimit() {
        return ARRIVAL.plus(MAX_QUEUE_WAIT).plus(MAX_ORDER_WAIT).plus(Duration.ofSeconds(THINK_MAX_MILLIS / 500 + 120));
    }

    private static long unresolvedFans() {
        long resolved = OUTCOMES.entrySet().stream()
                .filter(e -> e.getKey().endsWith("-> ADMITTED") || e.getKey().endsWith("-> SOLD_OUT"))
                .mapToLong(e -> e.getValue().sum()).sum();
        return FANS - resolved;
    }

    /**
     * How late waiting fans learnt SOLD_OUT: for each sighting, the time from the sell-out before it (as the event's
     * public stock showed it, read every {@code floodgate.figuresPollMillis}: see {@link Onsets}) or from the fan's
     * join if later, to the sighting. {count, max, p99} in millis; a sighting before any onset was seen counts as 0
     * (the figures are read at most that interval late).
     */
    private static long[] soldOutNoticeMillis() {
        Onsets onsets = Onsets.now();
        long[] delays = SOLD_OUT_SIGHTINGS.stream().mapToLong(onsets::noticeMillis).sorted().toArray();
        if (delays.length == 0) {
            return new long[] {0, 0, 0};
        }
        return new long[] {delays.length, delays[delays.length - 1], delays[(int) Math.min(delays.length - 1, Math.ceil(delays.length * 0.99) - 1)]};
    }

    /**
     * The slowest sightings with what surrounds them, so a slow notice can be told apart: a fan whose read before the
     * sighting came after the onset counted from saw the sale open then, so either the stock came back and went
     * again between two reads of the watcher (a re-sell-out it could not see: the delay is counted from too early) or
     * that read was stale.
     */
    private static String slowestSightings(int count) {
        Onsets onsets = Onsets.now();
        long base = firstArrivalMillis;
        return SOLD_OUT_SIGHTINGS.stream()
                .map(x -> new long[] {onsets.noticeMillis(x), x[0], x[1], x[2], onsets.before(x[1])})
                .sorted(Comparator.comparingLong((long[] x) -> x[0]).reversed())
                .limit(count)
                .map(x -> x[0] + " ms (joined " + (x[1] - base) / 1000.0 + " s, read before at " + (x[3] - base) / 1000.0
                        + " s, sighting " + (x[2] - base) / 1000.0 + " s, onset counted "
                        + (x[4] == Long.MIN_VALUE ? "none" : (x[4] - base) / 1000.0 + " s") + ")")
                .collect(Collectors.joining("; "));
    }

    /**
     * The watcher's view of the stock, sorted: when it saw a sell-out begin, and when it saw some stock available.
     * A sighting's sell-out began at the latest onset before it, or at the latest read with stock if later: tickets
     * came back after that onset and went again, and the fan saw the new sell-out before the watcher's next read did
     * (counted from the old onset, 4 s once looked like 61 s). Built from the stock read, never from the fans' own
     * answers, so a status that said "waiting" after the stock had gone still counts against the bound.
     */
    private record Onsets(long[] soldOut, long[] stockSeen) {
        static Onsets now() {
            return new Onsets(SELL_OUT_ONSETS.stream().mapToLong(Long::longValue).sorted().toArray(),
                    STOCK_SEEN.stream().mapToLong(Long::longValue).sorted().toArray());
        }

        /** When the sell-out sighted at {@code millis} began; Long.MIN_VALUE when the watcher had seen none yet. */
        long before(long millis) {
            long onset = latestAtOrBefore(soldOut, millis);
            return onset == Long.MIN_VALUE ? onset : Math.max(onset, latestAtOrBefore(stockSeen, millis));
        }

        /** {joined, sighted, read before}: from the sell-out (or the join, if later) to the sighting; 0 before any. */
        long noticeMillis(long[] sighting) {
            long onset = before(sighting[1]);
            return onset == Long.MIN_VALUE ? 0 : Math.max(0, sighting[1] - Math.max(onset, sighting[0]));
        }

        private static long latestAtOrBefore(long[] sorted, long millis) {
            int i = Arrays.binarySearch(sorted, millis);
            int at = i >= 0 ? i : -i - 2;
            // Equal moments: the last of them.
            while (at >= 0 && at + 1 < sorted.length && sorted[at + 1] <= millis) {
                at++;
            }
            return at >= 0 ? sorted[at] : Long.MIN_VALUE;
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null ? "{}" : body);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void after() {
        idp.close();
        Chains.printTally();
        System.out.println("floodgate: full drop: " + DropSettings.describe());
        System.out.println("floodgate: mix: " + FAN_NUMBERS.get() + " fans arrived, " + Math.min(ANONYMOUS_TAKEN.get(), anonymousCap())
                + " anonymous (" + ANONYMOUS_SIGNED_UP.sum() + " signed up, " + ANONYMOUS_BOUND.sum() + " bound), "
                + (FAN_NUMBERS.get() - Math.min(ANONYMOUS_TAKEN.get(), anonymousCap())) + " signed in at the test provider; "
                + PRE_QUEUE_JOINED.get() + " joined the pre-queue");
        Map<String, Long> outcomes = new TreeMap<>();
        OUTCOMES.forEach((k, v) -> outcomes.put(k, v.sum()));
        System.out.println("floodgate: outcomes " + outcomes + "; unresolved " + unresolvedFans()
                + "; joins refused as sold out " + SOLD_OUT_AT_JOIN.sum() + ", tried again " + JOIN_RETRIES.sum()
                + ", joined on a later try " + JOINED_ON_RETRY.sum());
        long[] notice = soldOutNoticeMillis();
        System.out.println("floodgate: sell-out onsets (s after first arrival) " + Arrays.toString(SELL_OUT_ONSETS.stream()
                .mapToLong(t -> (t - firstArrivalMillis) / 1000).toArray()) + ", all sold at "
                + (allSold ? (allSoldAtMillis - firstArrivalMillis) / 1000 + " s" : "never") + ", queue opened at "
                + (openedAtMillis == 0 ? "never" : (openedAtMillis - firstArrivalMillis) / 1000 + " s"));
        System.out.println("floodgate: SOLD_OUT learnt by waiting fans: " + notice[0] + " sightings, max " + notice[1]
                + " ms, p99 " + notice[2] + " ms (bound " + SOLD_OUT_NOTICE_MAX.toMillis() + " ms); slowest: "
                + slowestSightings(3));
        System.out.println("floodgate: polls at the advised interval " + ADVISED_POLLS.sum() + ", at the fallback "
                + FALLBACK_POLLS.sum() + "; polls sent with Connection: close " + CLOSING_POLLS.sum());
    }
}
