package dev.floodgate.runtime.operator;

import dev.floodgate.contracts.error.ApiException;

import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sign-in attempts per account name and per address, in memory (each service instance counts its own). Wrong
 * passwords within a window lock the account or address for a while; a locked one is refused before any hashing, so
 * a flood costs almost nothing. One check at a time per account and per address: a burst from one place waits on no
 * one else's turn and cannot fill the hash pool. Both maps are bounded (least recently touched goes first).
 */
final class SignInLimits {
    private record Strikes(int failures, long windowStartMillis, long lockedUntilMillis) {
    }

    private final Clock clock;
    private final OperatorSettings settings;
    private final Map<String, Strikes> accounts;
    private final Map<String, Strikes> addresses;
    private final Set<String> checking = new HashSet<>();

    SignInLimits(OperatorSettings settings, Clock clock) {
        this.clock = clock;
        this.settings = settings;
        this.accounts = bounded(settings.trackedKeys());
        this.addresses = bounded(settings.trackedKeys());
    }

    /** A turn to check one password for {@code account} from {@code address}; close it when done. */
    synchronized AutoCloseable enter(String account, String address) {
        long now = clock.millis();
        refuseIfLocked(accounts.get(account), now, "this account");
        refuseIfLocked(addresses.get(address), now, "your address");
        String accountKey = "account:" + account;
        String addressKey = "address:" + address;
        if (checking.size() >= 2L * settings.trackedKeys()) {
            throw ApiException.unavailable("too many sign-ins at once, try again shortly");
        }
        if (checking.contains(accountKey) || checking.contains(addressKey)) {
            throw ApiException.tooManyRequests("another sign-in for this account or from your address is being"
                    + " checked; try again in a second", 1);
        }
        checking.add(accountKey);
        checking.add(addressKey);
        return () -> {
            synchronized (SignInLimits.this) {
                checking.remove(accountKey);
                checking.remove(addressKey);
            }
        };
    }

    synchronized void failed(String account, String address) {
        long now = clock.millis();
        strike(accounts, account, settings.accountFailures(), now);
        strike(addresses, address, settings.addressFailures(), now);
    }

    /** The right password clears the account's strikes (not the address's: one good guess in many stays counted). */
    synchronized void succeeded(String account) {
        accounts.remove(account);
    }

    private void strike(Map<String, Strikes> map, String key, int limit, long now) {
        Strikes s = map.get(key);
        if (s == null || now - s.windowStartMillis() >= settings.failureWindow().toMillis()) {
            s = new Strikes(0, now, 0);
        }
        int failures = s.failures() + 1;
        long lockedUntil = failures >= limit ? now + settings.lockout().toMillis() : s.lockedUntilMillis();
        map.put(key, new Strikes(failures >= limit ? 0 : failures, failures >= limit ? now : s.windowStartMillis(),
                lockedUntil));
    }

    private static void refuseIfLocked(Strikes s, long now, String what) {
        if (s != null && s.lockedUntilMillis() > now) {
            long seconds = Math.max(1, (s.lockedUntilMillis() - now + 999) / 1000);
            throw ApiException.tooManyRequests("too many wrong passwords for " + what + ": try again in " + seconds
                    + " s", seconds);
        }
    }

    private static Map<String, Strikes> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Strikes> eldest) {
                return size() > max;
            }
        };
    }
}
