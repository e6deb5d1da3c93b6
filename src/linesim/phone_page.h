#pragma once
#include <string_view>

namespace mg::linesim {

// The static HTML/CSS/JS of the phone page.
std::string_view phone_page_html();

}  // namespace mg::linesim
