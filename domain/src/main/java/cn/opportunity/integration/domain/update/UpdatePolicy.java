package cn.opportunity.integration.domain.update;

import cn.opportunity.integration.domain.DictionaryUnavailableException;
import cn.opportunity.integration.domain.Messages;
import cn.opportunity.integration.domain.OpportunityCode;
import cn.opportunity.integration.domain.OpportunityField;
import cn.opportunity.integration.domain.OpportunityPatch;
import cn.opportunity.integration.domain.Text;
import cn.opportunity.integration.domain.UpdateRejectedException;
import cn.opportunity.integration.domain.dictionary.DictionarySnapshot;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every rule of an integration update (CONTRACT.md §1, steps 4–6 of the order of checks): a code,
 * at least one field, then each field's rule, with all violations collected in the table's order.
 * It reads nothing and stores nothing: what it consults is passed in.
 */
public final class UpdatePolicy {
  /** The names under which callers try to change the final customer, which never changes. */
  public static final Set<String> FINAL_CUSTOMER_FIELDS =
      Set.of("finalCustomer", "finalCustomerId", "finalCustomerName", "customerId", "customerName");

  /**
   * The one final-customer field an import line may carry: it names a new opportunity's customer.
   */
  public static final String FINAL_CUSTOMER_NAME = "finalCustomerName";

  private enum Mode {
    UPDATE,
    IMPORT
  }

  private record Checked(OpportunityPatch patch, Optional<String> finalCustomerName) {}

  private final ZoneId zone;

  /**
   * @param zone where date-times sent without an offset are read
   */
  public UpdatePolicy(ZoneId zone) {
    this.zone = Objects.requireNonNull(zone);
  }

  /**
   * The checked patch of an update request.
   *
   * @param dictionary the stage dictionary in force; empty while none has been loaded
   * @throws UpdateRejectedException with every violation, in the contract's order
   * @throws DictionaryUnavailableException when the request is otherwise good but sends a stage (or
   *     a lost reason other than the empty string), and there is no dictionary to check it against
   */
  public OpportunityPatch check(SentFields sent, Optional<DictionarySnapshot> dictionary) {
    requireCode(sent);
    if (!hasFieldBesidesCode(sent)) throw new UpdateRejectedException(Messages.NOTHING_TO_UPDATE);
    return checkFields(sent, dictionary, Mode.UPDATE).patch();
  }

  /**
   * The checked content of one import line: the rules of an update, except that {@code
   * opportunityName} is required and {@code finalCustomerName} may be given.
   */
  public ImportedOpportunity checkImportLine(
      SentFields sent, Optional<DictionarySnapshot> dictionary) {
    requireCode(sent);
    Checked checked = checkFields(sent, dictionary, Mode.IMPORT);
    return new ImportedOpportunity(checked.patch(), checked.finalCustomerName());
  }

  /** Step 4, which fails alone. A code of the wrong type passes here and is reported in step 6. */
  private static void requireCode(SentFields sent) {
    String name = OpportunityField.CODE_NAME;
    if (sent.duplicates().contains(name)) return;
    Optional<SentValue> code = sent.get(name);
    if (code.isEmpty() || (code.get() instanceof SentValue.Text text && Text.isBlank(text.value())))
      throw new UpdateRejectedException(Messages.CODE_REQUIRED);
  }

  /** Step 5: any member besides the code counts, so that refused names get their own message. */
  private static boolean hasFieldBesidesCode(SentFields sent) {
    return allNames(sent).stream().anyMatch(name -> !name.equals(OpportunityField.CODE_NAME));
  }

  /** Step 6: the code, each field in table order, then refused and unknown names. */
  private Checked checkFields(SentFields sent, Optional<DictionarySnapshot> dictionary, Mode mode) {
    FieldRules.Context context = new FieldRules.Context(dictionary, zone);
    List<String> violations = new ArrayList<>();
    Optional<OpportunityCode> code = checkCode(sent, violations);
    Optional<String> finalCustomerName =
        mode == Mode.IMPORT ? checkFinalCustomerName(sent, context, violations) : Optional.empty();
    Map<OpportunityField, Object> accepted = new EnumMap<>(OpportunityField.class);
    boolean needsDictionary = false;
    for (OpportunityField field : OpportunityField.values()) {
      String name = field.jsonName();
      Optional<SentValue> value = sent.get(name);
      if (sent.duplicates().contains(name)) violations.add(Messages.duplicateField(name));
      else if (value.isPresent()) {
        RuleResult result = FieldRules.of(field).check(name, value.get(), context);
        if (result instanceof RuleResult.Rejected rejected) violations.add(rejected.message());
        else if (result instanceof RuleResult.Accepted ok) accepted.put(field, ok.value());
        else needsDictionary = true;
      } else if (mode == Mode.IMPORT && field == OpportunityField.OPPORTUNITY_NAME) {
        violations.add(Messages.NAME_REQUIRED);
      }
    }
    refuseOtherNames(sent, mode, violations);
    if (!violations.isEmpty()) throw new UpdateRejectedException(violations);
    if (needsDictionary) throw new DictionaryUnavailableException();
    OpportunityPatch.Builder patch = OpportunityPatch.builder(code.orElseThrow());
    accepted.forEach(patch::set);
    return new Checked(patch.build(), finalCustomerName);
  }

  private static Optional<OpportunityCode> checkCode(SentFields sent, List<String> violations) {
    String name = OpportunityField.CODE_NAME;
    if (sent.duplicates().contains(name)) {
      violations.add(Messages.duplicateField(name));
      return Optional.empty();
    }
    if (!(sent.get(name).orElseThrow() instanceof SentValue.Text text)) {
      violations.add(Messages.wrongType(name));
      return Optional.empty();
    }
    Optional<OpportunityCode> code = OpportunityCode.parse(text.value());
    if (code.isEmpty()) violations.add(Messages.tooLong(name, OpportunityCode.MAX_LENGTH));
    return code;
  }

  private static Optional<String> checkFinalCustomerName(
      SentFields sent, FieldRules.Context context, List<String> violations) {
    if (sent.duplicates().contains(FINAL_CUSTOMER_NAME)) {
      violations.add(Messages.duplicateField(FINAL_CUSTOMER_NAME));
      return Optional.empty();
    }
    Optional<SentValue> value = sent.get(FINAL_CUSTOMER_NAME);
    if (value.isEmpty()) return Optional.empty();
    RuleResult result =
        FieldRules.optionalText(FieldRules.NAME_LENGTH)
            .check(FINAL_CUSTOMER_NAME, value.get(), context);
    if (result instanceof RuleResult.Rejected rejected) {
      violations.add(rejected.message());
      return Optional.empty();
    }
    return Optional.ofNullable((String) ((RuleResult.Accepted) result).value());
  }

  /**
   * Final-customer names (one message for all of them), then unknown names in the order of their
   * text, so that the answer does not depend on the order of the body's members.
   */
  private static void refuseOtherNames(SentFields sent, Mode mode, List<String> violations) {
    boolean finalCustomer = false;
    List<String> unknown = new ArrayList<>();
    for (String name : allNames(sent)) {
      if (isKnown(name, mode)) continue;
      if (mode == Mode.UPDATE && FINAL_CUSTOMER_FIELDS.contains(name)) finalCustomer = true;
      else unknown.add(name);
    }
    if (finalCustomer) violations.add(Messages.FINAL_CUSTOMER_IMMUTABLE);
    unknown.stream().sorted().forEach(name -> violations.add(Messages.unsupportedField(name)));
  }

  private static boolean isKnown(String name, Mode mode) {
    return name.equals(OpportunityField.CODE_NAME)
        || OpportunityField.byJsonName(name).isPresent()
        || (mode == Mode.IMPORT && name.equals(FINAL_CUSTOMER_NAME));
  }

  /** Every name given, with a value or as {@code null}-duplicates, in the order first seen. */
  private static Set<String> allNames(SentFields sent) {
    return sent.given();
  }
}
