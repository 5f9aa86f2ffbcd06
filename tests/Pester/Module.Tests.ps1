# The packaged module without a daemon: manifest, exports, help, and the offline Test-UpstartJobFile.

Describe 'The packaged UpstartPS module' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $modulePath = Get-UpstartTestModulePath
        $module = Import-Module $modulePath -Force -PassThru
        $expected = @(
            'Disable-UpstartJob', 'Enable-UpstartJob', 'Get-UpstartEnvironment', 'Get-UpstartJob', 'Get-UpstartJobConfiguration', 'Get-UpstartLog',
            'Get-UpstartSession', 'Remove-UpstartEnvironment', 'Reset-UpstartEnvironment', 'Restart-UpstartDaemon', 'Restart-UpstartJob', 'Send-UpstartEvent',
            'Set-UpstartEnvironment', 'Start-UpstartJob', 'Stop-UpstartJob', 'Test-UpstartJob', 'Test-UpstartJobConfiguration', 'Test-UpstartJobFile', 'Update-UpstartConfiguration', 'Update-UpstartJob', 'Wait-UpstartJob', 'Watch-UpstartEvent')
    }

    AfterAll {
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'has a valid manifest for PowerShell 7.4 Core' {
        $manifest = Test-ModuleManifest -Path $modulePath
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
        # No link to a repository or licence page that does not exist.
        $manifest.ProjectUri | Should -BeNullOrEmpty
        $manifest.LicenseUri | Should -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets of the dll' {
        (Get-Command -Module UpstartPS).Name | Sort-Object | Should -Be $expected
        (Get-Command -Module UpstartPS -CommandType Cmdlet).Count | Should -Be $expected.Count
    }

    It 'imports without a warning about verbs' {
        Import-Module $modulePath -Force -WarningVariable importWarnings -WarningAction SilentlyContinue
        $importWarnings | Should -BeNullOrEmpty
    }

    It 'has help with examples for <_>' -ForEach @(
        'Get-UpstartJob', 'Start-UpstartJob', 'Stop-UpstartJob', 'Restart-UpstartJob', 'Update-UpstartJob', 'Enable-UpstartJob',
        'Disable-UpstartJob', 'Wait-UpstartJob', 'Test-UpstartJob', 'Send-UpstartEvent', 'Watch-UpstartEvent', 'Get-UpstartLog',
        'Get-UpstartJobConfiguration', 'Update-UpstartConfiguration', 'Test-UpstartJobFile', 'Test-UpstartJobConfiguration', 'Restart-UpstartDaemon',
        'Get-UpstartEnvironment', 'Set-UpstartEnvironment', 'Remove-UpstartEnvironment', 'Reset-UpstartEnvironment',
        'Get-UpstartSession') {
        $command = $_
        $help = Get-Help $command -Full
        # Without a help file, Get-Help makes a synopsis out of the syntax.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape('[<CommonParameters>]'))
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        foreach ($parameter in (Get-Command $command).Parameters.Values) {
            if ($parameter.Name -in $common) { continue }
            # A DontShow parameter (PSComputerName: only the pipeline binds it) stays out of the help as out of completion.
            if ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }) { continue }
            $documented = $help.Parameters.Parameter | Where-Object Name -eq $parameter.Name
            $documented | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) of $command must be documented"
            ($documented.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        }
    }

    It 'has the about_UpstartPS topic' {
        (Get-Help about_UpstartPS | Out-String) | Should -Match 'Invoke-Command -HostName'
    }

    It 'binds names from the pipeline by value and by property name' {
        $name = (Get-Command Restart-UpstartJob).Parameters['Name']
        $attribute = $name.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $attribute.ValueFromPipeline | Should -Contain $true
        $attribute.ValueFromPipelineByPropertyName | Should -Contain $true
    }

    It 'hides -PSComputerName on <_> from help and completion, and still binds it by property name' -ForEach @(
        'Start-UpstartJob', 'Stop-UpstartJob', 'Restart-UpstartJob', 'Update-UpstartJob', 'Enable-UpstartJob', 'Disable-UpstartJob') {
        (Get-Help $_ -Parameter *).name | Should -Not -Contain 'PSComputerName'
        (Get-Help $_ -Full | Out-String) | Should -Not -Match '-PSComputerName'
        $line = "$_ -"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Not -Contain '-PSComputerName'
        $attribute = (Get-Command $_).Parameters['PSComputerName'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }
        $attribute.DontShow | Should -Be $true
        $attribute.ValueFromPipelineByPropertyName | Should -Be $true
    }

    It 'supports -WhatIf and -Confirm on <_>' -ForEach @(
        'Start-UpstartJob', 'Stop-UpstartJob', 'Restart-UpstartJob', 'Update-UpstartJob', 'Enable-UpstartJob', 'Disable-UpstartJob',
        'Send-UpstartEvent', 'Update-UpstartConfiguration') {
        (Get-Command $_).Parameters.Keys | Should -Contain 'WhatIf'
        (Get-Command $_).Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe 'Test-UpstartJobFile' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        Import-Module (Get-UpstartTestModulePath) -Force
        $dir = Join-Path $TestDrive 'init'
        $good = New-UpstartTestJob -Directory $dir -Name good -Text "description `"a good job`"`nexec sleep 60"
        $bad = New-UpstartTestJob -Directory $dir -Name bad -Text "description `"bad`"`nnot-a-stanza here`nexec sleep 60"
        $overridden = New-UpstartTestJob -Directory $dir -Name overridden -Text "exec sleep 60" -Override "bogus-stanza"
    }

    AfterAll {
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'writes nothing for a good file' {
        Test-UpstartJobFile -Path $good | Should -BeNullOrEmpty
    }

    It 'writes a diagnostic with line, column and kind for a bad file' {
        $diagnostic = Test-UpstartJobFile -Path $bad
        $diagnostic | Should -HaveCount 1
        $diagnostic.PSObject.TypeNames[0] | Should -Be 'UpstartPS.UpstartJobFileDiagnostic'
        $diagnostic.Path | Should -Be $bad
        $diagnostic.Line | Should -Be 2
        $diagnostic.Column | Should -BeGreaterThan 0
        $diagnostic.Kind | Should -Be 'unknown-stanza'
        $diagnostic.Severity | Should -Be 'Error'
    }

    It 'checks the .override beside a .conf' {
        (Test-UpstartJobFile -Path $overridden).Path | Should -Be (Join-Path $dir 'overridden.override')
    }

    It 'takes Get-ChildItem output' {
        $diagnostics = Get-ChildItem -LiteralPath $dir -Filter *.conf | Test-UpstartJobFile
        $diagnostics.Path | Should -Contain $bad
        $diagnostics.Path | Should -Not -Contain $good
    }

    It 'takes objects with only a FullName property' {
        [pscustomobject]@{ FullName = $bad } | Test-UpstartJobFile | Should -HaveCount 1
    }

    It 'checks a whole directory' {
        (Test-UpstartJobFile -Path $dir).Path | Should -Contain $bad
    }

    It 'gives the real path of a badly named file, and the same diagnostic from its directory as from -LiteralPath' {
        $spaced = Join-Path $TestDrive 'spaced'
        $file = New-UpstartTestJob -Directory $spaced -Name 'with space' -Text 'exec sleep 60'
        $fromDirectory = Test-UpstartJobFile -Path $spaced
        $fromFile = Test-UpstartJobFile -LiteralPath $file
        $fromDirectory.Path | Should -Be $file
        Test-Path -LiteralPath $fromDirectory.Path | Should -BeTrue
        $fromFile.Path | Should -Be $file
        ($fromFile.Kind, $fromFile.Message) | Should -Be @($fromDirectory.Kind, $fromDirectory.Message)
        $fromFile.Kind | Should -Be 'bad-job-name'
    }

    It 'answers $true or $false with -Quiet' {
        Test-UpstartJobFile -Path $good -Quiet | Should -BeTrue
        Test-UpstartJobFile -Path $bad -Quiet | Should -BeFalse
    }

    It 'expands wildcards in -Path' {
        (Test-UpstartJobFile -Path (Join-Path $dir 'b*.conf')).Path | Should -Be $bad
    }

    It 'writes a PathNotFound error for a missing file and goes on' {
        $result = Test-UpstartJobFile -LiteralPath (Join-Path $dir 'missing.conf'), $good -Quiet -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -Be @($true)
        $err[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,UpstartPS.Commands.TestUpstartJobFileCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'warns at a stanza Upstart 1.13 rejects only with -UpstartCompatible, and still passes' {
        $shared = New-UpstartTestJob -Directory (Join-Path $TestDrive 'shared') -Name shared -Text "exec sleep 60`n  respawn delay 5"
        Test-UpstartJobFile -Path $shared | Should -BeNullOrEmpty
        $warning = Test-UpstartJobFile -Path $shared -UpstartCompatible
        $warning | Should -HaveCount 1
        $warning.Kind | Should -Be 'beyond-upstart'
        $warning.Severity | Should -Be 'Warning'
        $warning.Path | Should -Be $shared
        $warning.Line | Should -Be 2
        $warning.Column | Should -Be 3
        Test-UpstartJobFile -Path $shared -UpstartCompatible -Quiet | Should -BeTrue
    }

    It 'formats diagnostics as a table' {
        $table = Test-UpstartJobFile -Path $bad | Format-Table | Out-String
        $table | Should -Match 'Severity'
        $table | Should -Match 'unknown-stanza'
    }
}

Describe 'The module''s own dependencies' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $modulePath = Get-UpstartTestModulePath
        $deps = Join-Path (Split-Path $modulePath) 'deps'
        # The third-party library the job-file parser uses, whichever it is: every dll in deps/ that is not ours.
        $thirdParty = Get-ChildItem -LiteralPath $deps -Filter *.dll |
            Where-Object { $_.BaseName -notin 'Upstart.JobFiles', 'UpstartPS.Protocol' } |
            Select-Object -First 1
        $shipped = [System.Reflection.AssemblyName]::GetAssemblyName($thirdParty.FullName)
    }

    It 'keeps only the cmdlet assembly beside the manifest and every dependency under deps/' {
        (Get-ChildItem -LiteralPath (Split-Path $modulePath) -Filter *.dll).Name | Should -Be 'UpstartPS.dll'
        (Get-ChildItem -LiteralPath $deps -Filter *.dll).Name | Should -Contain 'Upstart.JobFiles.dll'
        (Get-ChildItem -LiteralPath $deps -Filter *.dll).Name | Should -Contain 'UpstartPS.Protocol.dll'
        $thirdParty | Should -Not -BeNullOrEmpty
    }

    It 'parses job files beside another version of its third-party dependency already loaded in pwsh' {
        # A stand-in of the same name and another version, loaded first into pwsh's shared context, as
        # another module of the same session could. Built here: the feed serves one version of each library.
        $stubDir = Join-Path $TestDrive 'stub'
        $null = New-Item -ItemType Directory -Path $stubDir -Force
        $stub = Join-Path $stubDir "$($shipped.Name).dll"
        $source = "[assembly: System.Reflection.AssemblyVersion(`"99.1.2.3`")] namespace UpstartPSTestStub { public static class Marker { public static int Answer() { return 42; } } }"
        # Roslyn directly (pwsh ships it for Add-Type): Add-Type -OutputAssembly picks a random assembly name.
        Add-Type -AssemblyName Microsoft.CodeAnalysis.CSharp
        $compilation = [Microsoft.CodeAnalysis.CSharp.CSharpCompilation]::Create(
            $shipped.Name,
            [Microsoft.CodeAnalysis.SyntaxTree[]]@([Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree]::ParseText($source)),
            [Microsoft.CodeAnalysis.MetadataReference[]]@([Microsoft.CodeAnalysis.MetadataReference]::CreateFromFile([object].Assembly.Location)),
            [Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions]::new([Microsoft.CodeAnalysis.OutputKind]::DynamicallyLinkedLibrary))
        $stream = [System.IO.File]::Create($stub)
        try { $emitted = $compilation.Emit($stream) } finally { $stream.Dispose() }
        $emitted.Success | Should -BeTrue -Because ($emitted.Diagnostics | Out-String)
        $stubName = [System.Reflection.AssemblyName]::GetAssemblyName($stub)
        $stubName.Name | Should -Be $shipped.Name
        $stubName.Version | Should -Not -Be $shipped.Version

        $jobs = Join-Path $TestDrive 'alc-init'
        # Stanzas whose arguments go through the third-party grammar (expect, console, kill signal, limit).
        $good = New-UpstartTestJob -Directory $jobs -Name good -Text "start on started web`nexpect fork`nconsole log`nkill signal SIGTERM`nlimit nofile 1024 4096`nexec sleep 60"
        $bad = New-UpstartTestJob -Directory $jobs -Name bad -Text "not-a-stanza here"
        # A fresh pwsh: this one may already hold the module and its dependency from other tests.
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath '$stub'
Import-Module '$modulePath'
`$result = [ordered]@{
    Good = @(Test-UpstartJobFile -LiteralPath '$good').Count
    BadKind = (Test-UpstartJobFile -LiteralPath '$bad').Kind
    Loaded = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq '$($shipped.Name)' } | ForEach-Object {
        '{0} in {1}' -f `$_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name })
}
`$result | ConvertTo-Json -Compress
"@
        $output = & (Get-UpstartTestPwshPath) -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        $result = ($output | Select-Object -Last 1) | ConvertFrom-Json
        $result.Good | Should -Be 0
        $result.BadKind | Should -Be 'unknown-stanza'
        $result.Loaded | Should -Contain "$($stubName.Version) in Default"
        $result.Loaded | Should -Contain "$($shipped.Version) in UpstartPS dependencies"
    }
}
