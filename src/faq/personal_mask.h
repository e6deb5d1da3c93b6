#pragma once
// Masking personal data in a resident's question before it leaves for a generative answer
// (faq/generative.h). No dependencies: the fuzz target links this file alone.
#include <string>
#include <string_view>

namespace mg::faq {

// Replaces personal data in a resident's question with placeholders: e-mail addresses,
// phone numbers, postal codes, 12-digit (My Number-like) numbers and block/lot addresses
// (丁目・番地・番・号, 1-2-3). Half- and full-width digits alike; the result is valid UTF-8
// when the input was.
std::string mask_personal(std::string_view text);

}  // namespace mg::faq
