using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Sesame.Benchmarks -- --filter '*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Sesame.Benchmarks.SignInStepBenchmarks).Assembly).Run(args);
