# The packaged module without a daemon: manifest, exports, help, and the offline Test-UpstartJobFile.

Describe 'The packaged UpstartPS module' -Tag 'CI' {
    BeforeAll {
        . $PSScriptRoot/Common.ps1
        $modulePath = Get-UpstartTestModulePath
        $module = Import-Module $modulePath -Force -PassThru
        $expected = @(
            'Disable-UpstartJob', 'Enable-UpstartJob', 'Get-UpstartJob', 'Get-UpstartJobConfiguration', 'Get-UpstartLog',
            'Restart-UpstartJob', 'Send-UpstartEvent', 'Start-UpstartJob', 'Stop-UpstartJob', 'Test-UpstartJob',
            'Test-UpstartJobFile', 'Update-UpstartConfiguration', 'Update-UpstartJob', 'Wait-UpstartJob', 'Watch-UpstartEvent')
    }

    AfterAll {
        Remove-Module UpstartPS -Force -ErrorAction SilentlyContinue
    }

    It 'has a valid manifest for PowerShell 7.4 Core' {
        $manifest = Test-ModuleManifest -Path $modulePath
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Core'
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
        'Get-UpstartJobConfiguration', 'Update-UpstartConfiguration', 'Test-UpstartJobFile') {
        $command = $_
        $help = Get-Help $command -Full
        # Without a help file, Get-Help makes a synopsis out of the syntax.
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match ([regex]::Escape('[<CommonParameters>]'))
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        foreach ($parameter in (Get-Command $command).Parameters.Values) {
            if ($parameter.Name -in $common) { continue }
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

    It 'formats diagnostics as a table' {
        $table = Test-UpstartJobFile -Path $bad | Format-Table | Out-String
        $table | Should -Match 'Severity'
        $table | Should -Match 'unknown-stanza'
    }
}
