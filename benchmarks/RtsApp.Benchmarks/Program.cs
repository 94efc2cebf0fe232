using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(RtsApp.Benchmarks.AvailabilityBenchmarks).Assembly).Run(args);
