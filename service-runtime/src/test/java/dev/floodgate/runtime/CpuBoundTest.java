package dev.floodgate.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuBoundTest {
    /**
     * More spinning tasks than there are carrier threads, each waiting on CPU for a flag only another virtual thread
     * sets: run on the carriers themselves they would starve that thread until their own deadline.
     */
    @Test
    void cpuHeavyWorkLeavesTheVirtualThreadCarriersFreeForOtherRequests() throws Exception {
        int spinners = Runtime.getRuntime().availableProcessors() + 2;
        CpuBound cpu = new CpuBound("spin", spinners);
        AtomicBoolean released = new AtomicBoolean();
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        CountDownLatch spinning = new CountDownLatch(spinners);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < spinners; i++) {
            callers.add(Thread.ofVirtual().start(() -> cpu.call(() -> {
                spinning.countDown();
                while (!released.get() && System.nanoTime() < giveUpAt) {
                    Thread.onSpinWait();
                }
                return released.get();
            })));
        }
        assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch otherRequestRan = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            released.set(true);
            otherRequestRan.countDown();
        });
        assertThat(otherRequestRan.await(10, TimeUnit.SECONDS)).as("a virtual thread ran while the work spun").isTrue();
        for (Thread t : callers) {
            t.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    @Test
    void theWorksExceptionReachesTheCaller() {
        CpuBound cpu = new CpuBound("fail", 1);
        assertThatThrownBy(() -> cpu.call(() -> {
            throw new IllegalArgumentException("bad input");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad input");
    }
}
