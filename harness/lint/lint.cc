#include "harness/lint/lint.h"
