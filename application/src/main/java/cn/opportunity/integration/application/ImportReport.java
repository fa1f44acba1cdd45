package cn.opportunity.integration.application;

/** What an import did: opportunities inserted, updated, and found already as the file says. */
public record ImportReport(int lines, int inserted, int updated, int unchanged) {}
