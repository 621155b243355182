#include "harness/kconf/conf_tree.h"
