package cn.opportunity.integration.application;

import cn.opportunity.integration.domain.update.SentFields;

/** One line of an import file, numbered from 1: its members, or why they could not be read. */
public sealed interface ImportLine {
  int number();

  record Parsed(int number, SentFields fields) implements ImportLine {}

  record Unreadable(int number, String reason) implements ImportLine {}
}
