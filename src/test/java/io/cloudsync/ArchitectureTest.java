package io.cloudsync;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the package dependencies of DESIGN.md: each package uses only the project packages its row names
 * (third-party libraries are not restricted here), and there are no cycles. Two additions to the table, recorded
 * in docs/ARCHITECTURE.md: {@code volume} opens each volume's journal and writes its registry with {@code util}.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.cloudsync");

    /** package -> the project packages it may use (besides itself). */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "util", List.of(),
            "config", List.of("util"),
            "store", List.of("util"),
            "store.minio", List.of("store", "util"),
            "journal", List.of("util"),
            "cache", List.of("journal", "util"),
            "writeback", List.of("cache", "journal", "store", "util"),
            "fuse", List.of("cache", "util"),
            "api", List.of("util"),
            "volume", List.of("api", "config", "cache", "fuse", "writeback", "store", "journal", "util"));

    private static final List<String> ALL = List.of("util", "config", "store", "store.minio", "journal", "cache",
            "writeback", "fuse", "api", "volume", "app");

    @Test
    void packagesDependOnlyOnWhatTheDesignAllows() {
        ALLOWED.forEach((pkg, allowed) -> {
            String[] forbidden = ALL.stream()
                    .filter(other -> !other.equals(pkg) && !allowed.contains(other))
                    // "store" must not catch "store.minio" through its prefix, and vice versa
                    .map(other -> "io.cloudsync." + other + (other.equals("store") ? "" : ".."))
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("io.cloudsync." + pkg + (pkg.equals("store") ? "" : ".."))
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                    .because("DESIGN.md lets '" + pkg + "' use only " + allowed)
                    .check(CLASSES);
        });
    }

    @Test
    void thereAreNoCycles() {
        SlicesRuleDefinition.slices().matching("io.cloudsync.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
