Console.Error.WriteLine("load test harness: not built yet");
