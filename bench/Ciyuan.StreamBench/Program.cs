using Ciyuan.StreamBench;

// bench/streams/run.sh and bench/soak/run.sh drive these commands; each prints what it measured.
var command = args.Length > 0 ? args[0] : "";
var options = new Options(args.Skip(1).ToArray());
return command switch
{
    "upstream" => await DripUpstream.RunAsync(options),
    "streams" => await OpenStreamsCommand.RunAsync(options),
    "rate" => await RateCommand.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Ciyuan.StreamBench upstream --port P [--chunks N] [--interval-ms MS]
               Ciyuan.StreamBench streams --url URL --key KEY --count N [--ramp-seconds S] [--sources 127.0.0.1,127.0.0.2] [--watch PID] [--timeout-seconds S]
               Ciyuan.StreamBench rate    --url URL --key KEY --connections C [--rate R] --seconds S [--interval-seconds S] [--stream-share F] [--watch PID] [--counters CSV]
        """);
    return 2;
}
