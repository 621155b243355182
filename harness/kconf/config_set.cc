#include "harness/kconf/config_set.h"
