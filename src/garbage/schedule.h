#pragma once
// Which categories a district's residents put out on a given day. Pure.
#include <string>
#include <vector>

#include "garbage/model.h"

namespace mg::garbage {

// True when the cell's rules fall on the date, ignoring closures.
bool falls_on(const Collection& c, Date date);

// Category labels collected in the area on the date: the rules of that day unless its centre
// is closed, plus collections moved a week later from closed days before.
std::vector<std::string> collected_on(const GarbageCalendar& cal, const Area& area, Date date);

}  // namespace mg::garbage
