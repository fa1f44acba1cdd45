package cn.opportunity.integration.domain;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotated field, parameter or return value (or record component) may be {@code null}; where
 * nothing says so, it is never {@code null}. NullAway checks it when the domain and the application
 * compile (docs/testing.md, "Static analysis"). Public APIs say "absent" with {@code Optional};
 * this marks the few places that hold or pass {@code null} itself: a field that is not set, a value
 * that clears a field, a builder's input. Kept in the domain, so that the domain needs nothing but
 * the JDK (docs/decisions.md, "Build").
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({FIELD, METHOD, PARAMETER})
public @interface Nullable {}
