package dev.reranker.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import java.util.Set;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

/**
 * The rooms of the service and the arrows between them, as docs/architecture.md draws them, enforced: a wrong arrow
 * fails here with the rule it breaks and the line that breaks it.
 */
class ArchitectureTest {

    private static final String BASE = "dev.reranker";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(BASE);
    private static final JavaClasses MAIN_AND_TESTS = new ClassFileImporter().importPackages(BASE);

    /** What ModelSlot lets its owner do; everyone else reads. */
    private static final Set<String> SLOT_TRANSITIONS = Set.of("loading", "loadingDetail", "warming", "serve",
            "draining", "stopAccepting", "unload", "idle", "failed");

    @Test
    void arrowsPointDownOnly() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy(BASE + ".api..")
                .layer("lifecycle").definedBy(BASE + ".lifecycle..")
                .layer("engine").definedBy(BASE + ".engine..")
                .layer("batch").definedBy(BASE + ".batch..")
                .layer("tokenize").definedBy(BASE + ".tokenize..")
                .layer("infer").definedBy(BASE + ".infer..")
                .layer("model").definedBy(BASE + ".model..")
                .layer("config").definedBy(BASE + ".config..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("lifecycle").mayNotBeAccessedByAnyLayer()
                .whereLayer("engine").mayOnlyBeAccessedByLayers("api", "lifecycle")
                .whereLayer("batch").mayOnlyBeAccessedByLayers("engine", "lifecycle")
                .whereLayer("tokenize").mayOnlyBeAccessedByLayers("batch", "engine", "lifecycle")
                .whereLayer("infer").mayOnlyBeAccessedByLayers("lifecycle")
                .whereLayer("model").mayOnlyBeAccessedByLayers("tokenize", "infer", "lifecycle")
                .whereLayer("config").mayOnlyBeAccessedByLayers("api", "lifecycle", "engine", "batch", "tokenize",
                        "infer", "model")
                .because("the HTTP layer adapts, the engine schedules, the backend computes: api -> engine ->"
                        + " tokenize/batch -> infer -> model, lifecycle wires them, config is below all");
        rule.check(MAIN);
    }

    @Test
    void configDependsOnNothingOfTheService() {
        noClasses().that().resideInAPackage(BASE + ".config..").should().dependOnClassesThat()
                .resideInAnyPackage(BASE + ".api..", BASE + ".engine..", BASE + ".batch..", BASE + ".tokenize..",
                        BASE + ".infer..", BASE + ".model..", BASE + ".lifecycle..")
                .because("settings are read by every room and must not pull any of them in").check(MAIN);
    }

    @Test
    void onlyTheHttpLayerSpeaksHttp() {
        noClasses().that().resideOutsideOfPackage(BASE + ".api..").should().dependOnClassesThat()
                .resideInAnyPackage("jakarta.ws.rs..", "io.vertx.ext.web..", "org.jboss.resteasy..")
                .because("the HTTP layer adapts; the engine and everything below it know nothing of HTTP").check(MAIN);
    }

    @Test
    void eachNativeLibraryHasOneRoom() {
        noClasses().that().resideOutsideOfPackage(BASE + ".infer..").should().dependOnClassesThat()
                .resideInAPackage("ai.onnxruntime..")
                .because("one owner per native object: ONNX Runtime sessions and tensors live in infer").check(MAIN);
        noClasses().that().resideOutsideOfPackage(BASE + ".tokenize..").should().dependOnClassesThat()
                .resideInAPackage("ai.djl.huggingface..")
                .because("one owner per native object: the native tokenizer lives in tokenize").check(MAIN);
    }

    @Test
    void onlyTheLifecycleMovesTheModelSlot() {
        DescribedPredicate<JavaAccess<?>> transition = new DescribedPredicate<>("a transition of ModelSlot") {
            @Override
            public boolean test(JavaAccess<?> access) {
                return access instanceof JavaMethodCall call
                        && call.getTargetOwner().getFullName().equals(BASE + ".engine.ModelSlot")
                        && SLOT_TRANSITIONS.contains(call.getName());
            }
        };
        noClasses().that().resideOutsideOfPackages(BASE + ".lifecycle..", BASE + ".engine..").should()
                .callMethodWhere(transition.forSubtype())
                .because("one owner per state: ModelLifecycle drives the served model through its states, and tests"
                        + " go through it rather than behind it")
                .check(MAIN_AND_TESTS);
    }

    @Test
    void everyPublicTypeIsUsedOutsideItsPackage() {
        // The exceptions: the JVM's entry point, which Quarkus's generated main class calls from its own package,
        // and the OpenAPI filter, which SmallRye instantiates by name (mp.openapi.filter) from its own package.
        classes().that().resideInAPackage(BASE + "..").and().areTopLevelClasses().and()
                .haveModifier(JavaModifier.PUBLIC).and().doNotHaveFullyQualifiedName(BASE + ".lifecycle.Main")
                .and().doNotHaveFullyQualifiedName(BASE + ".api.EmptyHealthBody")
                .should(beUsedOutsideTheirPackage())
                .because("what only its own package uses is an internal of that package and stays package-private,"
                        + " so that the rooms' public surfaces are what the other rooms really use")
                .check(MAIN);
    }

    private static ArchCondition<JavaClass> beUsedOutsideTheirPackage() {
        return new ArchCondition<>("be used by a class of another package of the service") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean used = type.getDirectDependenciesToSelf().stream()
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName())
                                && d.getOriginClass().getPackageName().startsWith(BASE));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(type, "public " + type.getName()
                            + " is used by nothing outside " + type.getPackageName()));
                }
            }
        };
    }
}
