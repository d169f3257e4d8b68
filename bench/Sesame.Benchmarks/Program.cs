using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Sesame.Benchmarks -- --filter '*' --job short
// (--filter '*JwtLibrary*' for Sesame's RS256 against Microsoft.IdentityModel.JsonWebTokens)
BenchmarkSwitcher.FromAssembly(typeof(Sesame.Benchmarks.SignInStepBenchmarks).Assembly).Run(args);
