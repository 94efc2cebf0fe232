using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RtsApp.Scheduling;

namespace RtsApp.Benchmarks;

/// <summary>The two workloads named in the brief: 10 × 300 and 50 × 1,000 events over 35 days.</summary>
[MemoryDiagnoser]
public class AvailabilityBenchmarks
{
    private AvailabilityQuery query = null!;

    [Params("10x300", "50x1000")]
    public string Load { get; set; } = "10x300";

    /// <summary>True: each member's busy time sorted by start, as the service's busy-time cache hands it to the engine.
    /// False: in the workload's random order.</summary>
    [Params(false, true)]
    public bool Sorted { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var parts = Load.Split('x');
        query = Workload.Build(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        if (Sorted)
            query = query with
            {
                Groups = [.. query.Groups.Select(g => g with { Members = [.. g.Members.Select(m => m with { Busy = [.. m.Busy.OrderBy(b => b.Start)] })] })],
            };
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

/// <summary>
/// SPEC §12: the 10 × 300 workload with every member managed by two weekly rules, against the same
/// workload unmanaged (the baseline of each category). The managed run includes turning the rules
/// into instants, once per member per question, as a request does. Target: ≤ 1.2× the baseline.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ManagedBenchmarks
{
    private readonly AvailabilityQuery unmanaged = Workload.Build(10, 300);
    private readonly AvailabilityQuery managed = Workload.Build(10, 300, managed: true);

    [Benchmark(Baseline = true), BenchmarkCategory("OverlappingSlots")]
    public int OverlappingSlots() => AvailabilityEngine.OverlappingSlots(unmanaged).Count;

    [Benchmark, BenchmarkCategory("OverlappingSlots")]
    public int OverlappingSlotsManaged() => AvailabilityEngine.OverlappingSlots(managed).Count;

    [Benchmark(Baseline = true), BenchmarkCategory("Periods")]
    public int Periods() => AvailabilityEngine.Periods(unmanaged).Count;

    [Benchmark, BenchmarkCategory("Periods")]
    public int PeriodsManaged() => AvailabilityEngine.Periods(managed).Count;

    /// <summary>The rules alone: one member's managed time over the 35 days.</summary>
    [Benchmark, BenchmarkCategory("ManagedTime")]
    public int ManagedTimeOnly() => Workload.TwoRules.Within(managed.QueryPeriods[0]).Count;
}
