/**
 * The opportunity (商机) aggregate, its value objects and the ports for the store and the stage
 * dictionary. Pure Java: a CRM can embed this module alone. See {@code docs/embedding.md}.
 */
package cn.opportunity.integration.domain;
