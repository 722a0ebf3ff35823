Console.Error.WriteLine("engine host: not built yet");
