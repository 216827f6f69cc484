package dev.floodgate.checkout.order;

import dev.floodgate.checkout.admission.Caller;
import dev.floodgate.checkout.admission.TokenGuard;
import dev.floodgate.contracts.error.ApiException;
import dev.floodgate.contracts.error.ErrorCode;
import dev.floodgate.contracts.http.Ids;
import dev.floodgate.contracts.http.JsonHttp;
import dev.floodgate.orders.Order;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;

import java.util.Map;
import java.util.regex.Pattern;

/** The fan's order API: place an order from a hold, read one's own orders. */
public final class OrderRoutes {
    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{8,100}");

    private final OrderService orders;
    private final OrderStore store;
    private final TokenGuard tokens;
    private final int maxBodyBytes;

    public OrderRoutes(OrderService orders, OrderStore store, TokenGuard tokens, int maxBodyBytes) {
        this.orders = orders;
        this.store = store;
        this.tokens = tokens;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(HttpRouting.Builder routing) {
        routing.post("/api/orders", (req, res) -> {
            String key = idempotencyKey(req);
            PlaceOrder request = JsonHttp.read(req, PlaceOrder.class, maxBodyBytes);
            Caller caller = tokens.admission(req, request.eventId());
            OrderService.Placed placed = orders.place(caller, key, request);
            JsonHttp.send(res, placed.created() ? 201 : 200, store.view(placed.order()));
        });
        routing.get("/api/orders", (req, res) -> {
            Caller caller = tokens.fan(req);
            JsonHttp.ok(res, Map.of("orders", store.views(store.byFan(caller.fanId(), OrderStore.MAX_LIST))));
        });
        routing.get("/api/orders/{orderId}", (req, res) -> {
            Caller caller = tokens.fan(req);
            var id = Ids.uuid(req.path().pathParameters().get("orderId"), "orderId");
            Order order = store.find(id).filter(o -> o.fanId().equals(caller.fanId()))
                    .orElseThrow(() -> ApiException.notFound("no such order").withCode(ErrorCode.ORDER_NOT_FOUND));
            JsonHttp.ok(res, store.view(order));
        });
        routing.get("/api/orders/{orderId}/tickets", (req, res) -> {
            Caller caller = tokens.fan(req);
            var id = Ids.uuid(req.path().pathParameters().get("orderId"), "orderId");
            Order order = store.find(id).filter(o -> o.fanId().equals(caller.fanId()))
                    .orElseThrow(() -> ApiException.notFound("no such order").withCode(ErrorCode.ORDER_NOT_FOUND));
            JsonHttp.ok(res, Map.of("orderId", order.id().toString(), "status", order.status(),
                    "tickets", store.view(order).tickets()));
        });
    }

    private static String idempotencyKey(ServerRequest req) {
        String key = req.headers().first(IDEMPOTENCY_KEY).orElse(null);
        if (key == null || !KEY.matcher(key).matches()) {
            throw ApiException.badRequest("an Idempotency-Key header of 8-100 letters, digits or -_.: is required",
                    "Idempotency-Key");
        }
        return key;
    }
}
