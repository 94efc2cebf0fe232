using BenchmarkDotNet.Attributes;
using RtsApp.Scheduling;

namespace RtsApp.Benchmarks;

/// <summary>The two workloads named in the brief: 10 × 300 and 50 × 1,000 events over 35 days.</summary>
[MemoryDiagnoser]
public class AvailabilityBenchmarks
{
    private AvailabilityQuery query = null!;

    [Params("10x300", "50x1000")]
    public string Load { get; set; } = "10x300";

    [GlobalSetup]
    public void Setup()
    {
        var parts = Load.Split('x');
        query = Workload.Build(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Benchmark]
    public int OverlappingSlots() => AvailabilityEngine.OverlappingSlots(query).Count;

    [Benchmark]
    public int Periods() => AvailabilityEngine.Periods(query).Count;

    [Benchmark]
    public int Slots() => AvailabilityEngine.Slots(query).Count;
}

/// <summary>
/// Growth with the number of events: 10 members, events per member doubling. All free time is read
/// (max 512 results in "periods"), so the cost is the sweeps, which should grow linearly (n log n for the sort).
/// </summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    private AvailabilityQuery query = null!;

    [Params(250, 500, 1000)]
    public int EventsPerMember { get; set; }

    [GlobalSetup]
    public void Setup() => query = Workload.Build(10, EventsPerMember, maxResults: 512);

    [Benchmark]
    public int Periods() => AvailabilityEngine.Periods(query).Count;
}
