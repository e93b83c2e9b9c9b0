using OrderPipeline;

return await OrderPipelineApp.RunAsync(args, Console.Out, Console.Error);
