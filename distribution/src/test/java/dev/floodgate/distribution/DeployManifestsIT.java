package dev.floodgate.distribution;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * ops/deploy: runs {@code ops/deploy/validate.sh} (kustomize, offline kubectl checks, the Dockerfile against the
 * built folder), then checks what a schema cannot: probes on Helidon's health paths, requests and limits, a
 * disruption budget per workload, every reference (ConfigMap, Secret key, Service, port name) resolving, and the
 * grid's discovery and shutdown settings agreeing with each other. Skipped, saying so, where kubectl is missing.
 */
class DeployManifestsIT {
    private static final Path REPO = Path.of(System.getProperty("floodgate.repo.dir", ".."));
    private static final Path DIST = Path.of(System.getProperty("floodgate.dist.dir", "target/floodgate-dist-missing"));
    private static List<Map<String, Object>> objects;

    @BeforeAll
    static void render() throws Exception {
        if (!onPath("kubectl")) {
            abort("kubectl is not on PATH: ops/deploy/validate.sh and the manifest checks did not run");
        }
        Result validate = run(List.of(REPO.resolve("ops/deploy/validate.sh").toString(), DIST.toString()));
        assertThat(validate.exitCode()).as("validate.sh:%n%s%n%s", validate.output(), validate.errors()).isZero();
        assertThat(validate.output()).contains("validate: OK");
        Result rendered = run(List.of("kubectl", "kustomize", REPO.resolve("ops/deploy/k8s").toString()));
        assertThat(rendered.exitCode()).as(rendered.errors()).isZero();
        objects = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(rendered.output())) {
            objects.add(map(doc));
        }
    }

    @Test
    void theObjectsAreTheOnesDescribed() {
        assertThat(objects.stream().map(o -> o.get("kind") + "/" + name(o)).map(s -> s.replaceAll("-conf-.*", "-conf")
                .replaceAll("floodgate-secrets-.*", "floodgate-secrets")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("Namespace/floodgate",
                        "StatefulSet/floodgate-grid", "Service/floodgate-grid", "PodDisruptionBudget/floodgate-grid",
                        "Deployment/floodgate-edge", "Service/floodgate-edge", "PodDisruptionBudget/floodgate-edge",
                        "Deployment/floodgate-checkout", "Service/floodgate-checkout",
                        "PodDisruptionBudget/floodgate-checkout",
                        "Deployment/floodgate-worker", "Service/floodgate-worker", "PodDisruptionBudget/floodgate-worker",
                        "Ingress/floodgate", "Secret/floodgate-secrets",
                        "ConfigMap/floodgate-grid-member-conf", "ConfigMap/floodgate-edge-conf",
                        "ConfigMap/floodgate-checkout-conf", "ConfigMap/floodgate-worker-conf");
        assertThat(objects).allSatisfy(o -> {
            if (!o.get("kind").equals("Namespace")) {
                assertThat(map(o.get("metadata")).get("namespace")).as(name(o)).isEqualTo("floodgate");
            }
        });
    }

    @Test
    void everyContainerHasHealthProbesResourcesAndItsConfigAndSecrets() {
        Set<String> configMaps = names("ConfigMap");
        Map<String, Object> secret = of("Secret").getFirst();
        Set<String> secretKeys = map(secret.get("data")).keySet();
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> pod = map(map(map(workload.get("spec")).get("template")).get("spec"));
            for (Object c : list(pod.get("containers"))) {
                Map<String, Object> container = map(c);
                String what = name(workload) + "/" + container.get("name");
                Set<String> ports = list(container.get("ports")).stream().map(p -> (String) map(p).get("name"))
                        .collect(Collectors.toSet());
                assertProbe(what, container, "readinessProbe", "/observe/health/ready", ports);
                assertProbe(what, container, "livenessProbe", "/observe/health/live", ports);
                Map<String, Object> resources = map(container.get("resources"));
                assertThat(map(resources.get("requests"))).as(what).containsKeys("cpu", "memory");
                assertThat(map(resources.get("limits"))).as(what).containsKeys("cpu", "memory");
                assertThat(list(container.get("args"))).as(what).hasSize(1);
                for (Object e : list(container.getOrDefault("env", List.of()))) {
                    Map<String, Object> from = map(map(e).getOrDefault("valueFrom", Map.of()));
                    if (from.containsKey("secretKeyRef")) {
                        Map<String, Object> ref = map(from.get("secretKeyRef"));
                        assertThat(ref.get("name")).as(what).isEqualTo(name(secret));
                        assertThat(secretKeys).as(what).contains((String) ref.get("key"));
                    }
                }
            }
            for (Object v : list(pod.get("volumes"))) {
                Map<String, Object> volume = map(v);
                if (volume.containsKey("configMap")) {
                    assertThat(configMaps).as(name(workload)).contains((String) map(volume.get("configMap")).get("name"));
                }
            }
        }
    }

    @Test
    void everyWorkloadHasADisruptionBudgetAndEveryServiceAndIngressRouteFindsItsPods() {
        for (Map<String, Object> workload : workloads()) {
            Map<String, Object> labels = podLabels(workload);
            assertThat(of("PodDisruptionBudget")).as(name(workload)).anySatisfy(pdb -> assertThat(labels)
                    .containsAllEntriesOf(map(map(map(pdb.get("spec")).get("selector")).get("matchLabels"))));
        }
        for (Map<String, Object> service : of("Service")) {
            Map<String, Object> selector = map(map(service.get("spec")).get("selector"));
            assertThat(workloads()).as(name(service)).anySatisfy(w -> {
                assertThat(podLabels(w)).containsAllEntriesOf(selector);
                Set<String> ports = containerPortNames(w);
                for (Object p : list(map(service.get("spec")).get("ports"))) {
                    assertThat(ports).contains((String) map(p).get("targetPort"));
                }
            });
        }
        Set<String> services = names("Service");
        Map<String, Object> ingress = of("Ingress").getFirst();
        for (Object rule : list(map(ingress.get("spec")).get("rules"))) {
            for (Object path : list(map(map(rule).get("http")).get("paths"))) {
                String backend = (String) map(map(map(path).get("backend")).get("service")).get("name");
                assertThat(services).contains(backend);
            }
        }
    }

    @Test
    void gridMembersFindEachOtherThroughTheHeadlessServiceAndHaveTimeToHandOver() {
        Map<String, Object> grid = of("StatefulSet").getFirst();
        Map<String, Object> headless = of("Service").stream().filter(s -> name(s).equals("floodgate-grid")).findFirst()
                .orElseThrow();
        Map<String, Object> serviceSpec = map(headless.get("spec"));
        assertThat(serviceSpec.get("clusterIP")).isEqualTo("None");
        assertThat(serviceSpec.get("publishNotReadyAddresses")).isEqualTo(true);
        assertThat(map(grid.get("spec")).get("serviceName")).isEqualTo("floodgate-grid");

        Map<String, Object> pod = map(map(map(grid.get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).getFirst());
        assertThat(list(container.get("env"))).anySatisfy(e -> {
            assertThat(map(e).get("name")).isEqualTo("GRID_KUBERNETES_SERVICE_dash_DNS");
            assertThat((String) map(e).get("value")).startsWith("floodgate-grid.$(POD_NAMESPACE).svc");
        });
        Map<String, Object> memberConf = roleConfig("floodgate-grid-member-conf", "grid-member.yaml");
        long shutdownWaitMillis = ((Number) map(memberConf.get("grid")).get("graceful-shutdown-max-wait-millis"))
                .longValue();
        assertThat(((Number) pod.get("terminationGracePeriodSeconds")).longValue() * 1000)
                .isGreaterThan(shutdownWaitMillis);

        for (String role : List.of("edge", "checkout", "worker")) {
            Map<String, Object> gridConf = map(roleConfig("floodgate-" + role + "-conf", role + ".yaml").get("grid"));
            assertThat(gridConf.get("role")).as(role).isEqualTo("client");
            assertThat(list(gridConf.get("members"))).as(role).containsExactly("floodgate-grid:5701");
            assertThat(map(roleConfig("floodgate-" + role + "-conf", role + ".yaml").get("server")).get("host"))
                    .as(role).isEqualTo("0.0.0.0");
        }
    }

    private static void assertProbe(String what, Map<String, Object> container, String probe, String path,
                                    Set<String> ports) {
        Map<String, Object> get = map(map(container.get(probe)).get("httpGet"));
        assertThat(get.get("path")).as(what + " " + probe).isEqualTo(path);
        assertThat(ports).as(what + " " + probe).contains((String) get.get("port"));
    }

    private static Map<String, Object> roleConfig(String configMapPrefix, String file) {
        Map<String, Object> configMap = of("ConfigMap").stream().filter(c -> name(c).startsWith(configMapPrefix + "-"))
                .findFirst().orElseThrow();
        return map(new Yaml(new LoaderOptions()).load((String) map(configMap.get("data")).get(file)));
    }

    private static List<Map<String, Object>> workloads() {
        return objects.stream().filter(o -> Set.of("Deployment", "StatefulSet").contains(o.get("kind"))).toList();
    }

    private static Map<String, Object> podLabels(Map<String, Object> workload) {
        return map(map(map(map(workload.get("spec")).get("template")).get("metadata")).get("labels"));
    }

    private static Set<String> containerPortNames(Map<String, Object> workload) {
        Map<String, Object> pod = map(map(map(workload.get("spec")).get("template")).get("spec"));
        return list(pod.get("containers")).stream().flatMap(c -> list(map(c).get("ports")).stream())
                .map(p -> (String) map(p).get("name")).collect(Collectors.toSet());
    }

    private static List<Map<String, Object>> of(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    private static Set<String> names(String kind) {
        return of(kind).stream().map(DeployManifestsIT::name).collect(Collectors.toSet());
    }

    private static String name(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    private record Result(int exitCode, String output, String errors) {
    }

    private static Result run(List<String> command) throws Exception {
        // stderr to a file: neither pipe can fill up and block the other, and warnings never enter the YAML
        Path err = Files.createTempFile("validate-", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
            return new Result(process.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
