#pragma once
// Per-resident variables (差し込み) in a delivery's text messages: {地区} becomes the resident's
// value of the attribute labelled 地区 (a choice's label, はい/いいえ, a date as 2027年4月1日,
// several values joined by 、; empty when the resident has none). Only text messages are
// personalised: a card's or image's fields have LINE limits a substituted value could break.
// A multicast sends the same messages to every recipient, so the fan-out groups a batch's
// residents by their rendered messages and writes one multicast per group.
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "residents/model.h"

namespace mg::delivery {

// The names between braces in `text`, in order, each once. A name is 1–40 characters without
// braces or line breaks; anything else is left as written.
std::vector<std::string> variable_names(const std::string& text);

// Attributes a message may name: every type but staff tags (internal labels residents must not
// see), by label.
std::vector<residents::AttributeDefinition> variable_attributes(
    const std::vector<residents::AttributeDefinition>& definitions);

// ApiError 400 (field messages[i].text) when a text message names a variable no attribute has.
void check_variables(const Json& messages,
                     const std::vector<residents::AttributeDefinition>& definitions);

// The definitions the messages name (empty: no personalisation needed).
std::vector<residents::AttributeDefinition> used_variables(
    const Json& messages, const std::vector<residents::AttributeDefinition>& definitions);

// How a resident's values of one attribute read in a message.
std::string display_value(const residents::AttributeDefinition& def,
                          const std::vector<residents::AttributeValue>& values);

// `text` with each {name} in `values` replaced; other braces stay.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& values);

// The messages with their text messages' variables replaced, each cut to LINE's 5,000 units.
Json substitute_messages(const Json& messages, const std::map<std::string, std::string>& values);

}  // namespace mg::delivery
