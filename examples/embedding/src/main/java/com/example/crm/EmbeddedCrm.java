package com.example.crm;

import cn.opportunity.integration.domain.ChangeOrigin;
import cn.opportunity.integration.domain.ChangeSource;
import cn.opportunity.integration.domain.DomainException;
import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.Opportunity;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityDetails;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.OpportunityStore;
import cn.opportunity.integration.domain.dictionary.FlowDictionary;
import cn.opportunity.integration.domain.update.SentFields;
import cn.opportunity.integration.domain.update.UpdatePolicy;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * A CRM that takes write-backs with the domain module alone: its own store, its own stage
 * dictionary, and every rule and message of the contract from {@link UpdatePolicy}.
 */
public final class EmbeddedCrm {
  private final OpportunityStore store;
  private final FlowDictionary dictionary;
  private final UpdatePolicy policy = new UpdatePolicy(ZoneId.of("Asia/Shanghai"));
  private final Clock clock;

  public EmbeddedCrm(OpportunityStore store, FlowDictionary dictionary, Clock clock) {
    this.store = store;
    this.dictionary = dictionary;
    this.clock = clock;
  }

  /**
   * A write-back from another system ({@code caller}, the name it is known by): checked, then
   * applied atomically with its history record. Returns what to answer.
   */
  public String writeBack(String caller, SentFields sent) {
    ChangeOrigin origin = new ChangeOrigin(caller, null, ChangeSource.UPDATE);
    try {
      OpportunityPatch patch = policy.check(sent, dictionary.current());
      Instant now = clock.instant();
      Opportunity stored = store.update(patch.code(), origin, current -> current.apply(patch, now));
      return "ok: "
          + stored.code()
          + " is at version "
          + stored.version()
          + ", stage "
          + stored.details().stage();
    } catch (DomainException refused) {
      return "refused: " + refused.getMessage(); // the contract's Chinese text, e.g. 商机不存在
    }
  }

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    CrmOpportunityStore store = new CrmOpportunityStore();
    store.importAll(
        List.of(
            new NewOpportunity(
                new OpportunityCode("CRM-0001"),
                Optional.of("某市交通局"),
                OpportunityDetails.builder().opportunityName("城市交通信号改造").build(),
                clock.instant())),
        List.of());
    EmbeddedCrm crm = new EmbeddedCrm(store, new CrmStageDictionary(clock.instant()), clock);

    System.out.println(
        crm.writeBack(
            "oms",
            SentFields.builder()
                .text("opportunityCode", "CRM-0001")
                .text("stage", "中标") // by its unique name; stored as its code P90
                .number("amount", new BigDecimal("1280000.5"))
                .text("status", "WON")
                .build()));
    System.out.println(
        crm.writeBack(
            "oms",
            SentFields.builder()
                .text("opportunityCode", "CRM-0001")
                .number("amount", new BigDecimal("0.001"))
                .text("confidencePct", "D")
                .text("customerName", "别的客户")
                .build()));
    System.out.println(
        crm.writeBack(
            "oms",
            SentFields.builder()
                .text("opportunityCode", "CRM-9999")
                .text("status", "lost")
                .build()));
  }
}
