#include "harness/lint/finding.h"
