/** Use cases, one final class each, on domain ports only. */
package cn.opportunity.integration.application;
