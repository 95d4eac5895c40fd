/* cmd_park_indicators.c — parkland park indicators PARK [options]: the park's
 * default standard-land indicators and its thresholds. The option handling and
 * output are shared with 'parcel indicators' (cmd_parcel_status.c). */
#include "cli.h"

int cmd_park_indicators(int argc, char **argv, const cli_global *g)
{
    return cli_indicators_run(argc, argv, g, 1);
}
