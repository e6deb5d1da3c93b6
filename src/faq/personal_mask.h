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

class Analyzer;
// The same, then people's names by MeCab's part of speech (faq/name_mask.cpp): words IPADIC
// files as 名詞,固有名詞,人名 (姓, 名; a run of them is one name), and the nouns before an
// honorific it files as 名詞,接尾,人名 (さん, 様, 君, ちゃん, 殿, 氏) unless they name a role
// (お客さん, 担当者様), become 「[氏名]」. `text` is normalised (faq::normalize); without a
// dictionary only the honorific rule on kanji/katakana runs applies.
std::string mask_personal(std::string_view text, const Analyzer& analyzer);

}  // namespace mg::faq
