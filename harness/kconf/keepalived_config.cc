#include "harness/kconf/keepalived_config.h"
