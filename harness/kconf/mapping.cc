#include "harness/kconf/mapping.h"
