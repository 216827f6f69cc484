package dev.floodgate.grid;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmFlagsTest {
    private static final List<String> HAZELCAST = List.of("--enable-native-access=ALL-UNNAMED",
            "--add-modules=java.se", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.management/sun.management=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");

    @Test
    void theFileHoldsHazelcastsFlagsAndTheJdk24OnesOnlyFrom24() {
        assertThat(JvmFlags.forJava(21)).containsExactlyElementsOf(HAZELCAST);
        assertThat(JvmFlags.forJava(23)).containsExactlyElementsOf(HAZELCAST);
        assertThat(JvmFlags.forJava(24)).containsSequence(HAZELCAST)
                .endsWith("--sun-misc-unsafe-memory-access=allow").hasSize(HAZELCAST.size() + 1);
        assertThat(JvmFlags.forThisJava()).isEqualTo(JvmFlags.forJava(Runtime.version().feature()));
    }

    @Test
    void commentsAndBlankLinesAreSkippedAndAFlagWithASpaceIsRefused() {
        assertThat(JvmFlags.parse("# a comment\n\n  --a=b  \n30+ --c=d\n", 25)).containsExactly("--a=b");
        assertThat(JvmFlags.parse("--a=b\n30+ --c=d\n", 30)).containsExactly("--a=b", "--c=d");
        assertThatThrownBy(() -> JvmFlags.parse("--add-opens java.base/java.lang=ALL-UNNAMED\n", 25))
                .hasMessageContaining("one flag a line");
    }

    @Test
    void theShippedFileIsTheSourceTreesOne() throws IOException {
        // The scripts read it from the source tree (./floodgate) and from the distribution (a copy of that file).
        Path source = Path.of("src/main/resources").resolve(JvmFlags.RESOURCE);
        assertThat(source).isRegularFile();
        assertThat(JvmFlags.parse(Files.readString(source), 25)).isEqualTo(JvmFlags.forJava(25));
    }

    @Test
    void aJvmStartedWithTheFlagsRuns() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JvmFlags.forThisJava());
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes());
        assertThat(java.waitFor()).as(out).isZero();
        assertThat(out).doesNotContainIgnoringCase("warning").doesNotContain("Unrecognized");
    }
}
