package cn.opportunity.integration.application;

/**
 * What an import did, line by line: of its {@code lines} (blank ones not counted), how many
 * inserted an opportunity, how many changed one, and how many found it already as they say.
 */
public record ImportReport(int lines, int inserted, int updated, int unchanged) {}
