package cn.opportunity.integration.bootstrap;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.onionArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of STYLE.md §1, enforced on the main classes of every module. Plain Jupiter tests
 * calling {@code rule.check}, so they run and report under any JUnit platform version.
 */
class ArchitectureTest {
  static final String ROOT = "cn.opportunity.integration";
  static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(
                location -> !location.contains("-tests.jar")) // fixture jars are test code
            .importPackages(ROOT);
  }

  @Test
  void seesEveryModule() {
    for (String module :
        new String[] {
          ".domain", ".application", ".adapter.http", ".adapter.persistence", ".bootstrap"
        }) {
      assertTrue(
          classes.containPackage(ROOT + module),
          "no classes of " + module + ": the rules would prove nothing");
    }
  }

  @Test
  void ringsPointInwardAndAdaptersNeverSeeEachOther() {
    ArchRule rings =
        onionArchitecture()
            .domainModels(ROOT + ".domain..")
            .applicationServices(ROOT + ".application..")
            .adapter("http", ROOT + ".adapter.http..")
            .adapter("persistence", ROOT + ".adapter.persistence..")
            .adapter("xiaoman", ROOT + ".adapter.xiaoman..")
            .withOptionalLayers(true)
            .ignoreDependency(resideInAPackage(ROOT + ".bootstrap.."), alwaysTrue());
    rings.check(classes);
  }

  @Test
  void domainIsPlainJava() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".domain..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(ROOT + ".domain..", "java..")
        .check(classes);
  }

  @Test
  void domainDependenciesPointOneWay() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".domain")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".domain.dictionary..", ROOT + ".domain.update..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".domain.dictionary..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".domain.update..")
        .check(classes);
  }

  @Test
  void applicationSeesOnlyTheDomain() {
    noClasses()
        .that()
        .resideInAPackage(ROOT + ".application..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages(ROOT + ".application..", ROOT + ".domain..", "java..")
        .check(classes);
  }

  @Test
  void onlyBootstrapSeesBootstrap() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ROOT + ".bootstrap..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".bootstrap..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
  }
}
