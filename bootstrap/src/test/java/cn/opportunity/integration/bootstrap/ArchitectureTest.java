package cn.opportunity.integration.bootstrap;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.onionArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layering of STYLE.md §1, enforced on the main classes of every module. */
@AnalyzeClasses(packages = ArchitectureTest.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  static final String ROOT = "cn.opportunity.integration";

  @ArchTest
  static final ArchRule rings = onionArchitecture()
      .domainModels(ROOT + ".domain..")
      .applicationServices(ROOT + ".application..")
      .adapter("http", ROOT + ".adapter.http..")
      .adapter("persistence", ROOT + ".adapter.persistence..")
      .adapter("xiaoman", ROOT + ".adapter.xiaoman..")
      .withOptionalLayers(true)
      .ignoreDependency(resideInAPackage(ROOT + ".bootstrap.."), alwaysTrue());

  @ArchTest
  static final ArchRule domainIsPlainJava = noClasses()
      .that().resideInAPackage(ROOT + ".domain..")
      .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + ".domain..", "java..");

  @ArchTest
  static final ArchRule domainPointsOneWay = noClasses()
      .that().resideInAPackage(ROOT + ".domain")
      .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".domain.dictionary..", ROOT + ".domain.update..");

  @ArchTest
  static final ArchRule dictionaryDoesNotSeeTheUpdatePolicy = noClasses()
      .that().resideInAPackage(ROOT + ".domain.dictionary..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".domain.update..");

  @ArchTest
  static final ArchRule applicationSeesOnlyDomain = noClasses()
      .that().resideInAPackage(ROOT + ".application..")
      .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + ".application..", ROOT + ".domain..", "java..");

  @ArchTest
  static final ArchRule onlyBootstrapSeesEveryModule = noClasses()
      .that().resideOutsideOfPackage(ROOT + ".bootstrap..")
      .should().dependOnClassesThat().resideInAPackage(ROOT + ".bootstrap..");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();
}
