namespace Upstart.JobFiles.Tests;
