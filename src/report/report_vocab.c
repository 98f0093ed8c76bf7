/* The report's words, once (see report_vocab.h). */
#include "report_vocab.h"

#include <string.h>

#include "vk/sync.h"
#include "interop/foreign.h"
#include "stress_report.h"

#define WORDS(var, ...) static const char *const var[] = {__VA_ARGS__}
#define VOCAB(var, label, pointer, words) \
    const vkw_vocab var = {label, pointer, (uint32_t)(sizeof words / sizeof words[0]), words}

WORDS(command_words, "probe", "bench", "check", "stress");
/* In the order of vkw_verdict_code. */
WORDS(verdict_words, "not_run", "shareable", "shareable_dedicated_only", "not_on_this_os",
      "extension_missing", "driver_says_no", "not_cross_process", "query_failed");
/* What people read for each of them (the live text, `report`), same order. */
WORDS(verdict_shown_words, "not run", "shareable", "dedicated only", "not on this OS",
      "extension missing", "driver says no", "this process only", "query failed");
/* In the order of vkw_outcome. */
WORDS(outcome_words, "not_run", "passed", "failed", "skipped");
/* In the order of vkw_expect_outcome. */
WORDS(expect_words, "passed", "failed", "error");
/* In the order of vkw_check_verdict. */
WORDS(check_words, "passed", "failed", "error", "environment", "interrupted");
/* In the order of vkw_query_state. */
WORDS(query_state_words, "not_run", "ok", "not_applicable_on_this_os", "format_not_supported",
      "skipped", "failed");
/* In the order of vkw_interop_state. */
WORDS(interop_state_words, "not_run", "available", "not_available");
/* In the order of vkw_verify_method. */
WORDS(verify_method_words, "auto", "cpu", "gpu", "both");
/* In the order of vkw_phase. */
WORDS(phase_words, "allocate", "export", "parent_staging", "parent_write", "parent_copy_in",
      "parent_fill", "transfer", "import", "child_staging", "child_gpu_verify", "child_read",
      "child_verify", "child_write", "child_copy_in", "child_fill", "parent_gpu_verify",
      "parent_read", "parent_verify");

VOCAB(vkw_vocab_command, "command", "#/properties/command", command_words);
VOCAB(vkw_vocab_verdict, "verdict code", "#/$defs/verdict/properties/code", verdict_words);
_Static_assert(sizeof verdict_shown_words == sizeof verdict_words, "a shown word per verdict");
/* Not a word of the JSON: no schema pointer. */
VOCAB(vkw_vocab_verdict_shown, "verdict shown", NULL, verdict_shown_words);
VOCAB(vkw_vocab_outcome, "round-trip outcome", "#/$defs/sync_result/properties/outcome",
      outcome_words);
VOCAB(vkw_vocab_memory_outcome, "scenario outcome", "#/$defs/memory_scenario/properties/outcome",
      outcome_words);
VOCAB(vkw_vocab_expect_outcome, "expectation outcome",
      "#/$defs/check/properties/expectations/items/properties/outcome", expect_words);
VOCAB(vkw_vocab_check_outcome, "check outcome", "#/$defs/check/properties/outcome", check_words);
VOCAB(vkw_vocab_sync_mode, "round-trip mode", "#/$defs/sync_result/properties/mode",
      vkw_sync_mode_words);
VOCAB(vkw_vocab_peer, "peer", "#/$defs/sync_result/properties/peer", vkw_peer_words);
VOCAB(vkw_vocab_query_state, "query state", "#/$defs/props/properties/state", query_state_words);
VOCAB(vkw_vocab_verify_method, "verify method", "#/$defs/verify_method", verify_method_words);
VOCAB(vkw_vocab_interop_state, "interop state", "#/$defs/interop_state", interop_state_words);
VOCAB(vkw_vocab_importer, "importer", "#/$defs/importer", vkw_importer_words);
VOCAB(vkw_vocab_exporter, "exporter", "#/$defs/exporter", vkw_exporter_words);
VOCAB(vkw_vocab_stress_op, "stress operation", "#/$defs/stress_op", vkw_stress_op_words);
VOCAB(vkw_vocab_stress_operations, "stress operations", "#/$defs/stress/properties/operations",
      vkw_stress_op_words);
VOCAB(vkw_vocab_chaos, "chaos kind", "#/$defs/chaos_kind", vkw_chaos_words);
VOCAB(vkw_vocab_stress_chaos, "stress chaos", "#/$defs/stress/properties/chaos", vkw_chaos_words);
VOCAB(vkw_vocab_stress_fault, "stress fault", "#/$defs/stress_options/properties/fault",
      vkw_stress_fault_words);
VOCAB(vkw_vocab_trend_quantity, "trend quantity", "#/$defs/stress_trend/properties/quantity",
      vkw_trend_quantity_words);
VOCAB(vkw_vocab_stress_end, "stress end", "#/$defs/stress/properties/end", vkw_stress_end_words);
VOCAB(vkw_vocab_phase, "phase", "#/$defs/memory_scenario/properties/phases_us", phase_words);

const vkw_vocab *const vkw_vocabs[] = {
    &vkw_vocab_command,        &vkw_vocab_verdict,        &vkw_vocab_outcome,
    &vkw_vocab_memory_outcome, &vkw_vocab_expect_outcome, &vkw_vocab_check_outcome,
    &vkw_vocab_sync_mode,      &vkw_vocab_peer,           &vkw_vocab_phase,
    &vkw_vocab_query_state,    &vkw_vocab_verify_method,  &vkw_vocab_interop_state,
    &vkw_vocab_importer,       &vkw_vocab_stress_op,      &vkw_vocab_stress_operations,
    &vkw_vocab_chaos,          &vkw_vocab_stress_chaos,   &vkw_vocab_stress_fault,
    &vkw_vocab_trend_quantity, &vkw_vocab_stress_end,     &vkw_vocab_exporter,
};
const size_t vkw_vocab_count = sizeof vkw_vocabs / sizeof vkw_vocabs[0];

const vkw_key_entry vkw_report_keys[VKW_REPORT_KEY_COUNT] = {
#define VKW_KEY_ENTRY(id, text, where) {text, where},
    VKW_REPORT_KEYS(VKW_KEY_ENTRY)
#undef VKW_KEY_ENTRY
};

const char *vkw_vocab_word(const vkw_vocab *v, uint32_t i)
{
    return i < v->count ? v->words[i] : "unknown";
}

const char *vkw_verdict_shown(uint32_t code)
{
    return vkw_vocab_word(&vkw_vocab_verdict_shown, code);
}

int32_t vkw_vocab_find(const vkw_vocab *v, const char *s)
{
    for (uint32_t i = 0; s && i < v->count; i++)
        if (strcmp(v->words[i], s) == 0)
            return (int32_t)i;
    return -1;
}
