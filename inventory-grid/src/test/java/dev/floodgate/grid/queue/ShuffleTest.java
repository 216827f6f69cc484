package dev.floodgate.grid.queue;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pre-queue shuffle: a permutation, reproducible from the seed, and uniform (chi-square over fixed seeds). */
class ShuffleTest {
    private static byte[] seed(long n) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putLong(n).array());
    }

    @Test
    void placesAreAPermutationAndMatchThePerTicketComputation() throws Exception {
        for (int n : new int[]{1, 2, 3, 10, 255, 256, 257, 1000, 5000}) {
            Shuffle shuffle = new Shuffle(seed(n), n);
            int[] places = shuffle.places();
            Set<Integer> seen = new HashSet<>();
            for (int t = 1; t <= n; t++) {
                assertThat(places[t - 1]).isBetween(1, n);
                seen.add(places[t - 1]);
                if (t % 97 == 1 || n < 300) {
                    assertThat(shuffle.shuffledIndex(t - 1) + 1).isEqualTo(places[t - 1]);
                }
            }
            assertThat(seen).hasSize(n);
        }
    }

    @Test
    void theSameSeedGivesTheSameOrderAndTheCommitmentIsTheSeedsSha256() throws Exception {
        byte[] seed = seed(42);
        assertThat(new Shuffle(seed, 500).places()).isEqualTo(new Shuffle(seed.clone(), 500).places());
        assertThat(new Shuffle(seed, 500).places()).isNotEqualTo(new Shuffle(seed(43), 500).places());
        assertThat(Shuffle.commitment(seed))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(seed)));
    }

    /**
     * For n = 8 tickets and 8,000 fixed seeds, how often each ticket lands on each place: 64 cells of expected
     * 1,000. With a uniform shuffle the chi-square statistic (49 degrees of freedom: rows and columns both sum to
     * fixed totals) exceeds 85.4 with probability 0.001; deterministic seeds make the outcome reproducible.
     * Also which ticket gets the first place for n = 200 across 8,000 seeds (each expected 40).
     */
    @Test
    void everyTicketIsEquallyLikelyToLandOnEveryPlace() throws Exception {
        int n = 8;
        int runs = 8_000;
        long[][] counts = new long[n][n];
        for (int r = 0; r < runs; r++) {
            int[] places = new Shuffle(seed(1_000_000 + r), n).places();
            for (int t = 0; t < n; t++) {
                counts[t][places[t] - 1]++;
            }
        }
        double expected = (double) runs / n;
        double chi2 = 0;
        for (long[] row : counts) {
            for (long c : row) {
                chi2 += (c - expected) * (c - expected) / expected;
            }
        }
        System.out.printf("shuffle uniformity: n=%d runs=%d chi2=%.1f (df 49, p=0.001 critical 85.4)%n", n, runs, chi2);
        assertThat(chi2).isLessThan(85.4);

        int big = 200;
        int bigRuns = 8_000;
        long[] firstPlace = new long[big];
        for (int r = 0; r < bigRuns; r++) {
            int[] places = new Shuffle(seed(2_000_000 + r), big).places();
            for (int t = 0; t < big; t++) {
                if (places[t] == 1) {
                    firstPlace[t]++;
                }
            }
        }
        double exp = (double) bigRuns / big;
        double chi2Big = 0;
        for (long c : firstPlace) {
            chi2Big += (c - exp) * (c - exp) / exp;
        }
        System.out.printf("first place by ticket: n=%d runs=%d chi2=%.1f (df 199, p=0.001 critical 267.5)%n",
                big, bigRuns, chi2Big);
        assertThat(chi2Big).isLessThan(267.5);
    }
}
