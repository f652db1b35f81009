"""NF-e/NFC-e 4.00 document model GENERATED from the official XSDs. Do not edit by hand.

Source: schemas/xsd/nfe_v4.00, schema package PL_010f, PL_010f_v1.04.zip, NT 2025.002 v1.50, NT 2026.007 v1.00, published 2026-08-31
(schemas/xsd/manifest.json). Regenerate with ``.venv/bin/python -m engine.nfe.model.codegen``
(see docs/model.md); a unit test fails when this file differs from what the XSDs produce.

Field names are the XML names verbatim; the class variables (``__xml_fields__`` ...) carry the
schema order, occurrences, choices and decimal places the renderer and parser use
(engine.nfe.xmlio). Use the friendly names exported by ``engine.nfe.model``.
"""

# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, model_validator

from engine.nfe.model.base import (
    DECIMAL,
    DSIG_NS,
    GROUP,
    MODEL,
    RAW,
    TEXT,
    ConstrainedXmlModel,
    XmlChoice,
    XmlField,
    XmlModel,
    XmlSequence,
    choice_error,
    sequence_error,
)


class TCodUfIBGE(StrEnum):
    V11 = '11'
    V12 = '12'
    V13 = '13'
    V14 = '14'
    V15 = '15'
    V16 = '16'
    V17 = '17'
    V21 = '21'
    V22 = '22'
    V23 = '23'
    V24 = '24'
    V25 = '25'
    V26 = '26'
    V27 = '27'
    V28 = '28'
    V29 = '29'
    V31 = '31'
    V32 = '32'
    V33 = '33'
    V35 = '35'
    V41 = '41'
    V42 = '42'
    V43 = '43'
    V50 = '50'
    V51 = '51'
    V52 = '52'
    V53 = '53'


class TMod(StrEnum):
    V55 = '55'
    V65 = '65'


class TAmb(StrEnum):
    V1 = '1'
    V2 = '2'


class TFinNFe(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'


class TTpNFDebito(StrEnum):
    V01 = '01'
    V02 = '02'
    V03 = '03'
    V04 = '04'
    V05 = '05'
    V06 = '06'
    V07 = '07'
    V08 = '08'


class TTpNFCredito(StrEnum):
    V01 = '01'
    V02 = '02'
    V03 = '03'
    V04 = '04'
    V05 = '05'
    V06 = '06'


class TProcEmi(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'


class TEnteGov(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'


class TOperCompraGov(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'


class TUfEmi(StrEnum):
    AC = 'AC'
    AL = 'AL'
    AM = 'AM'
    AP = 'AP'
    BA = 'BA'
    CE = 'CE'
    DF = 'DF'
    ES = 'ES'
    GO = 'GO'
    MA = 'MA'
    MG = 'MG'
    MS = 'MS'
    MT = 'MT'
    PA = 'PA'
    PB = 'PB'
    PE = 'PE'
    PI = 'PI'
    PR = 'PR'
    RJ = 'RJ'
    RN = 'RN'
    RO = 'RO'
    RR = 'RR'
    RS = 'RS'
    SC = 'SC'
    SE = 'SE'
    SP = 'SP'
    TO = 'TO'


class TUf(StrEnum):
    AC = 'AC'
    AL = 'AL'
    AM = 'AM'
    AP = 'AP'
    BA = 'BA'
    CE = 'CE'
    DF = 'DF'
    ES = 'ES'
    GO = 'GO'
    MA = 'MA'
    MG = 'MG'
    MS = 'MS'
    MT = 'MT'
    PA = 'PA'
    PB = 'PB'
    PE = 'PE'
    PI = 'PI'
    PR = 'PR'
    RJ = 'RJ'
    RN = 'RN'
    RO = 'RO'
    RR = 'RR'
    RS = 'RS'
    SC = 'SC'
    SE = 'SE'
    SP = 'SP'
    TO = 'TO'
    EX = 'EX'


class TTpCredPresIBSZFM(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'


class Torig(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'
    V8 = '8'


class TCOrgaoIBGE(StrEnum):
    V11 = '11'
    V12 = '12'
    V13 = '13'
    V14 = '14'
    V15 = '15'
    V16 = '16'
    V17 = '17'
    V21 = '21'
    V22 = '22'
    V23 = '23'
    V24 = '24'
    V25 = '25'
    V26 = '26'
    V27 = '27'
    V28 = '28'
    V29 = '29'
    V31 = '31'
    V32 = '32'
    V33 = '33'
    V35 = '35'
    V41 = '41'
    V42 = '42'
    V43 = '43'
    V50 = '50'
    V51 = '51'
    V52 = '52'
    V53 = '53'
    V90 = '90'
    V91 = '91'
    V92 = '92'


class TpNF(StrEnum):
    V0 = '0'
    V1 = '1'


class IdDest(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'


class TpImp(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'


class TpEmis(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'
    V9 = '9'


class IndFinal(StrEnum):
    V0 = '0'
    V1 = '1'


class IndPres(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V9 = '9'


class IndIntermed(StrEnum):
    V0 = '0'
    V1 = '1'


class Mod1(StrEnum):
    V01 = '01'
    V02 = '02'


class Mod2(StrEnum):
    V01 = '01'
    V04 = '04'


class Mod3(StrEnum):
    V2B = '2B'
    V2C = '2C'
    V2D = '2D'


class XPais(StrEnum):
    Brasil = 'Brasil'
    BRASIL = 'BRASIL'


class CRTEnum(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'


class IndIEDest(StrEnum):
    V1 = '1'
    V2 = '2'
    V9 = '9'


class IndEscala(StrEnum):
    S = 'S'
    N = 'N'


class IndTot(StrEnum):
    V0 = '0'
    V1 = '1'


class TpViaTransp(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'
    V8 = '8'
    V9 = '9'
    V10 = '10'
    V11 = '11'
    V12 = '12'
    V13 = '13'


class TpIntermedio(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'


class TpOp(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'


class VINEnum(StrEnum):
    R = 'R'
    N = 'N'


class CondVeic(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'


class TpRest(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V9 = '9'


class TpArma(StrEnum):
    V0 = '0'
    V1 = '1'


class IndImport(StrEnum):
    V0 = '0'
    V1 = '1'


class ModBC(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'


class ModBCST(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'


class MotDesICMSST(StrEnum):
    V3 = '3'
    V9 = '9'
    V12 = '12'


class MotRedAdRem(StrEnum):
    V1 = '1'
    V9 = '9'


class MotDesICMS1(StrEnum):
    V3 = '3'
    V9 = '9'
    V10 = '10'
    V11 = '11'
    V12 = '12'


class MotDesICMS2(StrEnum):
    V6 = '6'
    V7 = '7'
    V9 = '9'


class MotDesICMS3(StrEnum):
    V1 = '1'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'
    V8 = '8'
    V9 = '9'
    V10 = '10'
    V11 = '11'
    V16 = '16'
    V90 = '90'


class MotDesICMS4(StrEnum):
    V3 = '3'
    V9 = '9'
    V12 = '12'


class MotDesICMS5(StrEnum):
    V9 = '9'
    V10 = '10'
    V11 = '11'


class IndDeduzDeson(StrEnum):
    V0 = '0'
    V1 = '1'


class CST1(StrEnum):
    V40 = '40'
    V41 = '41'
    V50 = '50'


class CST2(StrEnum):
    V10 = '10'
    V20 = '20'
    V90 = '90'


class CST3(StrEnum):
    V41 = '41'
    V60 = '60'


class CST4(StrEnum):
    V00 = '00'
    V49 = '49'
    V50 = '50'
    V99 = '99'


class CST5(StrEnum):
    V01 = '01'
    V02 = '02'
    V03 = '03'
    V04 = '04'
    V05 = '05'
    V51 = '51'
    V52 = '52'
    V53 = '53'
    V54 = '54'
    V55 = '55'


class CST6(StrEnum):
    V01 = '01'
    V02 = '02'


class CST7(StrEnum):
    V04 = '04'
    V05 = '05'
    V06 = '06'
    V07 = '07'
    V08 = '08'
    V09 = '09'


class CST8(StrEnum):
    V49 = '49'
    V50 = '50'
    V51 = '51'
    V52 = '52'
    V53 = '53'
    V54 = '54'
    V55 = '55'
    V56 = '56'
    V60 = '60'
    V61 = '61'
    V62 = '62'
    V63 = '63'
    V64 = '64'
    V65 = '65'
    V66 = '66'
    V67 = '67'
    V70 = '70'
    V71 = '71'
    V72 = '72'
    V73 = '73'
    V74 = '74'
    V75 = '75'
    V98 = '98'
    V99 = '99'


class CSOSN1(StrEnum):
    V102 = '102'
    V103 = '103'
    V300 = '300'
    V400 = '400'


class CSOSN2(StrEnum):
    V202 = '202'
    V203 = '203'


class IndISS(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'


class IndIncentivo(StrEnum):
    V1 = '1'
    V2 = '2'


class IndSomaPISST(StrEnum):
    V0 = '0'
    V1 = '1'


class IndSomaCOFINSST(StrEnum):
    V0 = '0'
    V1 = '1'


class PICMSInter(StrEnum):
    V4_00 = '4.00'
    V7_00 = '7.00'
    V12_00 = '12.00'


class TpALCZFMCBS(StrEnum):
    V1 = '1'
    V2 = '2'


class CRegTrib(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'


class ModFrete(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V9 = '9'


class IndPag(StrEnum):
    V0 = '0'
    V1 = '1'


class TpIntegra(StrEnum):
    V1 = '1'
    V2 = '2'


class IndProc(StrEnum):
    V0 = '0'
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V9 = '9'


class TpAto(StrEnum):
    V08 = '08'
    V10 = '10'
    V12 = '12'
    V14 = '14'
    V15 = '15'


class TpGuia(StrEnum):
    V1 = '1'
    V2 = '2'
    V3 = '3'
    V4 = '4'
    V5 = '5'
    V6 = '6'
    V7 = '7'


class IndSinc(StrEnum):
    V0 = '0'
    V1 = '1'


# Constrained scalar types of the schema (aliases of named xs:simpleType).
TString = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$')]
TSerie = Annotated[str, Field(pattern='^(?:0|[1-9]{1}[0-9]{0,2})$')]
TNF = Annotated[str, Field(pattern='^(?:[1-9]{1}[0-9]{0,8})$')]
TDateTimeUTC = Annotated[str, Field(pattern='^(?:(((20(([02468][048])|([13579][26]))-02-29))|(20[0-9][0-9])-((((0[1-9])|(1[0-2]))-((0[1-9])|(1\\d)|(2[0-8])))|((((0[13578])|(1[02]))-31)|(((0[1,3-9])|(1[0-2]))-(29|30)))))T(20|21|22|23|[0-1]\\d):[0-5]\\d:[0-5]\\d([\\-,\\+](0[0-9]|10|11):00|([\\+](12):00)))$')]
TData = Annotated[str, Field(pattern='^(?:(((20(([02468][048])|([13579][26]))-02-29))|(20[0-9][0-9])-((((0[1-9])|(1[0-2]))-((0[1-9])|(1\\d)|(2[0-8])))|((((0[13578])|(1[02]))-31)|(((0[1,3-9])|(1[0-2]))-(29|30))))))$')]
TCodMunIBGE = Annotated[str, Field(pattern='^(?:[0-9]{7})$')]
TChNFe = Annotated[str, Field(pattern='^(?:[0-9]{6}[0-9A-Z]{12}[0-9]{26})$', max_length=44)]
TCnpj = Annotated[str, Field(pattern='^(?:[0-9A-Z]{12}[0-9]{2})$', max_length=14)]
TCpf = Annotated[str, Field(pattern='^(?:[0-9]{11})$', max_length=11)]
TIeDest = Annotated[str, Field(pattern='^(?:ISENTO|[0-9]{2,14})$', max_length=14)]
TDec_0302_04RTC = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=4)]
TChDFeRTC = Annotated[str, Field(pattern='^(?:[0-9]{6}[A-Z0-9]{12}[0-9]{26})$', max_length=44)]
TIe = Annotated[str, Field(pattern='^(?:[0-9]{2,14}|ISENTO)$', max_length=14)]
TIeST = Annotated[str, Field(pattern='^(?:[0-9]{2,14})$', max_length=14)]
TDec_1302 = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
TIeDestNaoIsento = Annotated[str, Field(pattern='^(?:[0-9]{2,14})$', max_length=14)]
TCnpjOpc = Annotated[str, Field(pattern='^(?:[0-9]{0}|[0-9A-Z]{12}[0-9]{2})$', max_length=14)]
TDec_0302a04 = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=4)]
TDec_1104v = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=4)]
TDec_1110v = Annotated[Decimal, Field(ge=0, max_digits=21, decimal_places=10)]
TDec_1302Opc = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
TGuid = Annotated[str, Field(pattern='^(?:[A-F0-9]{8}-[A-F0-9]{4}-[A-F0-9]{4}-[A-F0-9]{4}-[A-F0-9]{12})$')]
TDec_0803v = Annotated[Decimal, Field(ge=0, max_digits=11, decimal_places=3)]
TDec_0302a04Max100 = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=4)]
TDec_1204temperatura = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4)]
TDec_1204v = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4)]
TDec_1104 = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=4)]
TDec_1203 = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=3)]
TDec_03v00a04Max100Opc = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=4)]
TDec_0302a04Opc = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=4)]
TDec_0302Max100 = Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=2)]
TCListServ = Annotated[str, Field(pattern='^(?:[0-9]{2}.[0-9]{2})$')]
TDec_1204 = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=4)]
TCST = Annotated[str, Field(pattern='^(?:\\d{3})$')]
TcClassTrib = Annotated[str, Field(pattern='^(?:\\d{6})$')]
TDec1302RTC = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
TStringRTC = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$')]
TDec_1104OpRTC = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=4)]
TDec1104RTC = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=4)]
TCompetApur = str
TcCredPres = Annotated[str, Field(pattern='^(?:\\d{2})$')]
TVerAplic = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
TProt = Annotated[str, Field(pattern='^(?:[0-9]{15}|[0-9]{17})$', max_length=17)]
TStat = Annotated[str, Field(pattern='^(?:[0-9]{3,4})$', max_length=4)]
TMotivo = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=255)]
TIdLote = Annotated[str, Field(pattern='^(?:[0-9]{1,15})$')]
TRec = Annotated[str, Field(pattern='^(?:[0-9]{15})$', max_length=15)]
TMed = Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')]
TServ = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$')]
TVerNFe_ConsSitNFe = Annotated[str, Field(pattern='^(?:[1-9]{1}\\.[0-9]{2})$')]
TVerCancNFe = Annotated[str, Field(pattern='^(?:[1-9]{1}\\.[0-9]{2})$')]
TVerEvento = Annotated[str, Field(pattern='^(?:[1-9]{1}\\.[0-9]{2})$')]
TRetVerEvento = Annotated[str, Field(pattern='^(?:[1-9]{1}\\.[0-9]{2})$')]
Tano = Annotated[str, Field(pattern='^(?:[0-9]{2})$')]
TJust = Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=15, max_length=255)]


class RefNF(XmlModel):
    """Dados da NF modelo 1/1A referenciada ou NF modelo 2 referenciada (TNFe/infNFe/ide/NFref/refNF)"""

    cUF: TCodUfIBGE
    AAMM: Annotated[str, Field(pattern='^(?:[0-9]{2}[0]{1}[1-9]{1}|[0-9]{2}[1]{1}[0-2]{1})$')]
    CNPJ: TCnpj
    mod: Mod1
    serie: TSerie
    nNF: TNF
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cUF', 'cUF', TEXT),
        XmlField('AAMM', 'AAMM', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('mod', 'mod', TEXT),
        XmlField('serie', 'serie', TEXT),
        XmlField('nNF', 'nNF', TEXT),
    )


class RefNFP(ConstrainedXmlModel):
    """Grupo com as informações NF de produtor referenciada (TNFe/infNFe/ide/NFref/refNFP)"""

    cUF: TCodUfIBGE
    AAMM: Annotated[str, Field(pattern='^(?:[0-9]{2}[0]{1}[1-9]{1}|[0-9]{2}[1]{1}[0-2]{1})$')]
    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    IE: TIeDest
    mod: Mod2
    serie: TSerie
    nNF: TNF
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cUF', 'cUF', TEXT),
        XmlField('AAMM', 'AAMM', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('IE', 'IE', TEXT),
        XmlField('mod', 'mod', TEXT),
        XmlField('serie', 'serie', TEXT),
        XmlField('nNF', 'nNF', TEXT),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class RefECF(XmlModel):
    """Grupo do Cupom Fiscal vinculado à NF-e (TNFe/infNFe/ide/NFref/refECF)"""

    mod: Mod3
    nECF: Annotated[str, Field(pattern='^(?:[0-9]{1,3})$')]
    nCOO: Annotated[str, Field(pattern='^(?:[0-9]{1,6})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('mod', 'mod', TEXT),
        XmlField('nECF', 'nECF', TEXT),
        XmlField('nCOO', 'nCOO', TEXT),
    )


class Ide_NFref(ConstrainedXmlModel):
    """Grupo de infromações da NF referenciada (TNFe/infNFe/ide/NFref)"""

    refNFe: TChNFe | None = None
    refNFeSig: TChNFe | None = None
    refNF: RefNF | None = None
    refNFP: RefNFP | None = None
    refCTe: TChNFe | None = None
    refECF: RefECF | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('refNFe', 'refNFe', TEXT),
        XmlField('refNFeSig', 'refNFeSig', TEXT),
        XmlField('refNF', 'refNF', MODEL, model=RefNF),
        XmlField('refNFP', 'refNFP', MODEL, model=RefNFP),
        XmlField('refCTe', 'refCTe', TEXT),
        XmlField('refECF', 'refECF', MODEL, model=RefECF),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('refNFe',), ('refNFeSig',), ('refNF',), ('refNFP',), ('refCTe',), ('refECF',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['refNFe'] is not None) + (d['refNFeSig'] is not None) + (d['refNF'] is not None) + (d['refNFP'] is not None) + (d['refCTe'] is not None) + (d['refECF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TCompraGov(XmlModel):
    """Tipo Compras Governamentais (TCompraGov)"""

    tpEnteGov: TEnteGov
    pRedutor: TDec_0302_04RTC
    tpOperGov: TOperCompraGov
    refDFeAnt: list[TChDFeRTC] = Field(default_factory=list, max_length=99)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpEnteGov', 'tpEnteGov', TEXT),
        XmlField('pRedutor', 'pRedutor', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('tpOperGov', 'tpOperGov', TEXT),
        XmlField('refDFeAnt', 'refDFeAnt', TEXT, min_occurs=0, max_occurs=99),
    )


class GPagAntecipado(XmlModel):
    """Informado para abater as parcelas de antecipação de pagamento, conforme Art. 10. § 4º
    (TNFe/infNFe/ide/gPagAntecipado)
    """

    refNFe: list[TChNFe] = Field(min_length=1, max_length=99)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('refNFe', 'refNFe', TEXT, max_occurs=99),
    )


class Ide(ConstrainedXmlModel):
    """identificação da NF-e (TNFe/infNFe/ide)"""

    cUF: TCodUfIBGE
    cNF: Annotated[str, Field(pattern='^(?:[0-9]{8})$')]
    natOp: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    mod: TMod
    serie: TSerie
    nNF: TNF
    dhEmi: TDateTimeUTC
    dhSaiEnt: TDateTimeUTC | None = None
    dPrevEntrega: TData | None = None
    tpNF: TpNF
    idDest: IdDest
    cMunFG: TCodMunIBGE
    cMunFGIBS: TCodMunIBGE | None = None
    tpImp: TpImp
    tpEmis: TpEmis
    cDV: Annotated[str, Field(pattern='^(?:[0-9]{1})$')]
    tpAmb: TAmb
    finNFe: TFinNFe
    tpNFDebito: TTpNFDebito | None = None
    tpNFCredito: TTpNFCredito | None = None
    indFinal: IndFinal
    indPres: IndPres
    indIntermed: IndIntermed | None = None
    cIndOp: Annotated[str, Field(pattern='^(?:[0-9]{6})$')] | None = None
    procEmi: TProcEmi
    verProc: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    dhCont: TDateTimeUTC | None = None
    xJust: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=15, max_length=256)] | None = None
    NFref: list[Ide_NFref] = Field(default_factory=list, max_length=999)
    gCompraGov: TCompraGov | None = None
    gPagAntecipado: GPagAntecipado | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cUF', 'cUF', TEXT),
        XmlField('cNF', 'cNF', TEXT),
        XmlField('natOp', 'natOp', TEXT),
        XmlField('mod', 'mod', TEXT),
        XmlField('serie', 'serie', TEXT),
        XmlField('nNF', 'nNF', TEXT),
        XmlField('dhEmi', 'dhEmi', TEXT),
        XmlField('dhSaiEnt', 'dhSaiEnt', TEXT, min_occurs=0),
        XmlField('dPrevEntrega', 'dPrevEntrega', TEXT, min_occurs=0),
        XmlField('tpNF', 'tpNF', TEXT),
        XmlField('idDest', 'idDest', TEXT),
        XmlField('cMunFG', 'cMunFG', TEXT),
        XmlField('cMunFGIBS', 'cMunFGIBS', TEXT, min_occurs=0),
        XmlField('tpImp', 'tpImp', TEXT),
        XmlField('tpEmis', 'tpEmis', TEXT),
        XmlField('cDV', 'cDV', TEXT),
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('finNFe', 'finNFe', TEXT),
        XmlField('tpNFDebito', 'tpNFDebito', TEXT, min_occurs=0),
        XmlField('tpNFCredito', 'tpNFCredito', TEXT, min_occurs=0),
        XmlField('indFinal', 'indFinal', TEXT),
        XmlField('indPres', 'indPres', TEXT),
        XmlField('indIntermed', 'indIntermed', TEXT, min_occurs=0),
        XmlField('cIndOp', 'cIndOp', TEXT, min_occurs=0),
        XmlField('procEmi', 'procEmi', TEXT),
        XmlField('verProc', 'verProc', TEXT),
        XmlField('dhCont', 'dhCont', TEXT),
        XmlField('xJust', 'xJust', TEXT),
        XmlField('NFref', 'NFref', MODEL, min_occurs=0, max_occurs=999, model=Ide_NFref),
        XmlField('gCompraGov', 'gCompraGov', MODEL, min_occurs=0, model=TCompraGov),
        XmlField('gPagAntecipado', 'gPagAntecipado', MODEL, min_occurs=0, model=GPagAntecipado),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('dhCont', 'xJust'), ('dhCont', 'xJust')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['dhCont'] is not None or d['xJust'] is not None) and not (d['dhCont'] is not None and d['xJust'] is not None):
            sequence_error(self, 0)
        return self


class TEnderEmi(XmlModel):
    """Tipo Dados do Endereço do Emitente // 24/10/08 - desmembrado / tamanho mínimo (TEnderEmi)"""

    xLgr: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    nro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCpl: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    xBairro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    cMun: TCodMunIBGE
    xMun: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    UF: TUfEmi
    CEP: Annotated[str, Field(pattern='^(?:[0-9]{8})$')]
    cPais: Literal['1058'] | None = None
    xPais: XPais | None = None
    fone: Annotated[str, Field(pattern='^(?:[0-9]{6,14})$')] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xLgr', 'xLgr', TEXT),
        XmlField('nro', 'nro', TEXT),
        XmlField('xCpl', 'xCpl', TEXT, min_occurs=0),
        XmlField('xBairro', 'xBairro', TEXT),
        XmlField('cMun', 'cMun', TEXT),
        XmlField('xMun', 'xMun', TEXT),
        XmlField('UF', 'UF', TEXT),
        XmlField('CEP', 'CEP', TEXT),
        XmlField('cPais', 'cPais', TEXT, min_occurs=0),
        XmlField('xPais', 'xPais', TEXT, min_occurs=0),
        XmlField('fone', 'fone', TEXT, min_occurs=0),
    )


class Emit(ConstrainedXmlModel):
    """Identificação do emitente (TNFe/infNFe/emit)"""

    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    xNome: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    xFant: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    enderEmit: TEnderEmi
    IE: TIe | None = None
    IEST: TIeST | None = None
    IM: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)] | None = None
    CNAE: Annotated[str, Field(pattern='^(?:[0-9]{7})$')] | None = None
    CRT: CRTEnum
    ISUFEmit: Annotated[str, Field(pattern='^(?:[0-9]{8,9})$')] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('xNome', 'xNome', TEXT),
        XmlField('xFant', 'xFant', TEXT, min_occurs=0),
        XmlField('enderEmit', 'enderEmit', MODEL, model=TEnderEmi),
        XmlField('IE', 'IE', TEXT, min_occurs=0),
        XmlField('IEST', 'IEST', TEXT, min_occurs=0),
        XmlField('IM', 'IM', TEXT),
        XmlField('CNAE', 'CNAE', TEXT, min_occurs=0),
        XmlField('CRT', 'CRT', TEXT),
        XmlField('ISUFEmit', 'ISUFEmit', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), True),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('IM', 'CNAE'), ('IM',)),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        if (d['IM'] is not None or d['CNAE'] is not None) and not (d['IM'] is not None):
            sequence_error(self, 0)
        return self


class Avulsa(XmlModel):
    """Emissão de avulsa, informar os dados do Fisco emitente (TNFe/infNFe/avulsa)"""

    CNPJ: TCnpj
    xOrgao: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    matr: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xAgente: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    fone: Annotated[str, Field(pattern='^(?:[0-9]{6,14})$')] | None = None
    UF: TUfEmi
    nDAR: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    dEmi: TData | None = None
    vDAR: TDec_1302 | None = None
    repEmi: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    dPag: TData | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('xOrgao', 'xOrgao', TEXT),
        XmlField('matr', 'matr', TEXT),
        XmlField('xAgente', 'xAgente', TEXT),
        XmlField('fone', 'fone', TEXT, min_occurs=0),
        XmlField('UF', 'UF', TEXT),
        XmlField('nDAR', 'nDAR', TEXT, min_occurs=0),
        XmlField('dEmi', 'dEmi', TEXT, min_occurs=0),
        XmlField('vDAR', 'vDAR', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('repEmi', 'repEmi', TEXT),
        XmlField('dPag', 'dPag', TEXT, min_occurs=0),
    )


class TEndereco(XmlModel):
    """Tipo Dados do Endereço // 24/10/08 - tamanho mínimo (TEndereco)"""

    xLgr: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    nro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCpl: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    xBairro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    cMun: TCodMunIBGE
    xMun: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    UF: TUf
    CEP: Annotated[str, Field(pattern='^(?:[0-9]{8})$')] | None = None
    cPais: Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')] | None = None
    xPais: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    fone: Annotated[str, Field(pattern='^(?:[0-9]{6,14})$')] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xLgr', 'xLgr', TEXT),
        XmlField('nro', 'nro', TEXT),
        XmlField('xCpl', 'xCpl', TEXT, min_occurs=0),
        XmlField('xBairro', 'xBairro', TEXT),
        XmlField('cMun', 'cMun', TEXT),
        XmlField('xMun', 'xMun', TEXT),
        XmlField('UF', 'UF', TEXT),
        XmlField('CEP', 'CEP', TEXT, min_occurs=0),
        XmlField('cPais', 'cPais', TEXT, min_occurs=0),
        XmlField('xPais', 'xPais', TEXT, min_occurs=0),
        XmlField('fone', 'fone', TEXT, min_occurs=0),
    )


class Dest(ConstrainedXmlModel):
    """Identificação do Destinatário (TNFe/infNFe/dest)"""

    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    idEstrangeiro: Annotated[str, Field(pattern='^(?:([!-ÿ]{0}|[!-ÿ]{5,20})?)$')] | None = None
    xNome: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    enderDest: TEndereco | None = None
    indIEDest: IndIEDest
    IE: TIeDestNaoIsento | None = None
    ISUF: Annotated[str, Field(pattern='^(?:[0-9]{8,9})$')] | None = None
    IM: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)] | None = None
    email: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('idEstrangeiro', 'idEstrangeiro', TEXT),
        XmlField('xNome', 'xNome', TEXT, min_occurs=0),
        XmlField('enderDest', 'enderDest', MODEL, min_occurs=0, model=TEndereco),
        XmlField('indIEDest', 'indIEDest', TEXT),
        XmlField('IE', 'IE', TEXT, min_occurs=0),
        XmlField('ISUF', 'ISUF', TEXT, min_occurs=0),
        XmlField('IM', 'IM', TEXT, min_occurs=0),
        XmlField('email', 'email', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',), ('idEstrangeiro',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None) + (d['idEstrangeiro'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TLocal(ConstrainedXmlModel):
    """Tipo Dados do Local de Retirada ou Entrega // 24/10/08 - tamanho mínimo // v2.0 (TLocal)"""

    CNPJ: TCnpjOpc | None = None
    CPF: TCpf | None = None
    xNome: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    xLgr: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    nro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCpl: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    xBairro: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    cMun: TCodMunIBGE
    xMun: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    UF: TUf
    CEP: Annotated[str, Field(pattern='^(?:[0-9]{8})$')] | None = None
    cPais: Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')] | None = None
    xPais: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    fone: Annotated[str, Field(pattern='^(?:[0-9]{6,14})$')] | None = None
    email: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    IE: TIe | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('xNome', 'xNome', TEXT, min_occurs=0),
        XmlField('xLgr', 'xLgr', TEXT),
        XmlField('nro', 'nro', TEXT),
        XmlField('xCpl', 'xCpl', TEXT, min_occurs=0),
        XmlField('xBairro', 'xBairro', TEXT),
        XmlField('cMun', 'cMun', TEXT),
        XmlField('xMun', 'xMun', TEXT),
        XmlField('UF', 'UF', TEXT),
        XmlField('CEP', 'CEP', TEXT, min_occurs=0),
        XmlField('cPais', 'cPais', TEXT, min_occurs=0),
        XmlField('xPais', 'xPais', TEXT, min_occurs=0),
        XmlField('fone', 'fone', TEXT, min_occurs=0),
        XmlField('email', 'email', TEXT, min_occurs=0),
        XmlField('IE', 'IE', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class AutXML(ConstrainedXmlModel):
    """Pessoas autorizadas para o download do XML da NF-e (TNFe/infNFe/autXML)"""

    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class GCred(XmlModel):
    """Grupo de informações sobre o CréditoPresumido (TNFe/infNFe/det/prod/gCred)"""

    cCredPresumido: Annotated[str, Field(pattern='^(?:[!-ÿ]{8}|[!-ÿ]{10})$')]
    pCredPresumido: TDec_0302a04
    vCredPresumido: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cCredPresumido', 'cCredPresumido', TEXT),
        XmlField('pCredPresumido', 'pCredPresumido', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCredPresumido', 'vCredPresumido', DECIMAL, places=(2,)),
    )


class Adi(XmlModel):
    """Adições (NT 2011/004) (TNFe/infNFe/det/prod/DI/adi)"""

    nAdicao: Annotated[str, Field(pattern='^(?:[1-9]{1}[0-9]{0,2})$')] | None = None
    nSeqAdic: Annotated[str, Field(pattern='^(?:[1-9]{1}[0-9]{0,4})$')]
    cFabricante: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    vDescDI: TDec_1302Opc | None = None
    nDraw: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nAdicao', 'nAdicao', TEXT, min_occurs=0),
        XmlField('nSeqAdic', 'nSeqAdic', TEXT),
        XmlField('cFabricante', 'cFabricante', TEXT),
        XmlField('vDescDI', 'vDescDI', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('nDraw', 'nDraw', TEXT, min_occurs=0),
    )


class Prod_DI(ConstrainedXmlModel):
    """Declaração de Importação (NT 2011/004) (TNFe/infNFe/det/prod/DI)"""

    nDI: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)]
    dDI: TData
    xLocDesemb: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    UFDesemb: TUfEmi
    dDesemb: TData
    tpViaTransp: TpViaTransp
    vAFRMM: TDec_1302 | None = None
    tpIntermedio: TpIntermedio
    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    UFTerceiro: TUfEmi | None = None
    cExportador: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    adi: list[Adi] = Field(min_length=1, max_length=999)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nDI', 'nDI', TEXT),
        XmlField('dDI', 'dDI', TEXT),
        XmlField('xLocDesemb', 'xLocDesemb', TEXT),
        XmlField('UFDesemb', 'UFDesemb', TEXT),
        XmlField('dDesemb', 'dDesemb', TEXT),
        XmlField('tpViaTransp', 'tpViaTransp', TEXT),
        XmlField('vAFRMM', 'vAFRMM', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('tpIntermedio', 'tpIntermedio', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('UFTerceiro', 'UFTerceiro', TEXT, min_occurs=0),
        XmlField('cExportador', 'cExportador', TEXT),
        XmlField('adi', 'adi', MODEL, max_occurs=999, model=Adi),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class ExportInd(XmlModel):
    """Exportação indireta (TNFe/infNFe/det/prod/detExport/exportInd)"""

    nRE: Annotated[str, Field(pattern='^(?:[0-9]{0,12})$')]
    chNFe: TChNFe
    qExport: TDec_1104v
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nRE', 'nRE', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('qExport', 'qExport', DECIMAL, places=(0, 1, 2, 3, 4)),
    )


class DetExport(XmlModel):
    """Detalhe da exportação (TNFe/infNFe/det/prod/detExport)"""

    nDraw: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    exportInd: ExportInd | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nDraw', 'nDraw', TEXT, min_occurs=0),
        XmlField('exportInd', 'exportInd', MODEL, min_occurs=0, model=ExportInd),
    )


class Rastro(XmlModel):
    """TNFe/infNFe/det/prod/rastro"""

    nLote: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    qLote: TDec_0803v
    dFab: TData
    dVal: TData
    cAgreg: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nLote', 'nLote', TEXT),
        XmlField('qLote', 'qLote', DECIMAL, places=(0, 1, 2, 3)),
        XmlField('dFab', 'dFab', TEXT),
        XmlField('dVal', 'dVal', TEXT),
        XmlField('cAgreg', 'cAgreg', TEXT, min_occurs=0),
    )


class InfProdNFF(XmlModel):
    """Informações mais detalhadas do produto (usada na NFF) (TNFe/infNFe/det/prod/infProdNFF)"""

    cProdFisco: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=14, max_length=14)]
    cOperNFF: Annotated[str, Field(pattern='^(?:[0-9]{1,5})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cProdFisco', 'cProdFisco', TEXT),
        XmlField('cOperNFF', 'cOperNFF', TEXT),
    )


class InfProdEmb(XmlModel):
    """Informações mais detalhadas do produto (usada na NFF) (TNFe/infNFe/det/prod/infProdEmb)"""

    xEmb: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=8)]
    qVolEmb: TDec_0803v
    uEmb: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=8)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xEmb', 'xEmb', TEXT),
        XmlField('qVolEmb', 'qVolEmb', DECIMAL, places=(0, 1, 2, 3)),
        XmlField('uEmb', 'uEmb', TEXT),
    )


class VeicProd(XmlModel):
    """Veículos novos (TNFe/infNFe/det/prod/veicProd)"""

    tpOp: TpOp
    chassi: Annotated[str, Field(pattern='^(?:[A-Z0-9]+)$', min_length=17, max_length=17)]
    cCor: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=4)]
    xCor: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=40)]
    pot: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=4)]
    cilin: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=4)]
    pesoL: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=9)]
    pesoB: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=9)]
    nSerie: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=9)]
    tpComb: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=2)]
    nMotor: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=21)]
    CMT: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=9)]
    dist: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=4)]
    anoMod: Annotated[str, Field(pattern='^(?:[0-9]{4})$')]
    anoFab: Annotated[str, Field(pattern='^(?:[0-9]{4})$')]
    tpPint: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=1)]
    tpVeic: Annotated[str, Field(pattern='^(?:[0-9]{1,2})$')]
    espVeic: Annotated[str, Field(pattern='^(?:[0-9]{1})$')]
    VIN: VINEnum
    condVeic: CondVeic
    cMod: Annotated[str, Field(pattern='^(?:[0-9]{1,6})$')]
    cCorDENATRAN: Annotated[str, Field(pattern='^(?:[0-9]{1,2})$', min_length=1, max_length=2)]
    lota: Annotated[str, Field(pattern='^(?:[0-9]{1,3})$', min_length=1, max_length=3)]
    tpRest: TpRest
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpOp', 'tpOp', TEXT),
        XmlField('chassi', 'chassi', TEXT),
        XmlField('cCor', 'cCor', TEXT),
        XmlField('xCor', 'xCor', TEXT),
        XmlField('pot', 'pot', TEXT),
        XmlField('cilin', 'cilin', TEXT),
        XmlField('pesoL', 'pesoL', TEXT),
        XmlField('pesoB', 'pesoB', TEXT),
        XmlField('nSerie', 'nSerie', TEXT),
        XmlField('tpComb', 'tpComb', TEXT),
        XmlField('nMotor', 'nMotor', TEXT),
        XmlField('CMT', 'CMT', TEXT),
        XmlField('dist', 'dist', TEXT),
        XmlField('anoMod', 'anoMod', TEXT),
        XmlField('anoFab', 'anoFab', TEXT),
        XmlField('tpPint', 'tpPint', TEXT),
        XmlField('tpVeic', 'tpVeic', TEXT),
        XmlField('espVeic', 'espVeic', TEXT),
        XmlField('VIN', 'VIN', TEXT),
        XmlField('condVeic', 'condVeic', TEXT),
        XmlField('cMod', 'cMod', TEXT),
        XmlField('cCorDENATRAN', 'cCorDENATRAN', TEXT),
        XmlField('lota', 'lota', TEXT),
        XmlField('tpRest', 'tpRest', TEXT),
    )


class Med(XmlModel):
    """grupo do detalhamento de Medicamentos e de matérias-primas farmacêuticas (TNFe/infNFe/det/prod/med)"""

    cProdANVISA: Annotated[str, Field(pattern='^(?:[0-9]{11}|[0-9]{13}|ISENTO)$')]
    xMotivoIsencao: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=255)] | None = None
    vPMC: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cProdANVISA', 'cProdANVISA', TEXT),
        XmlField('xMotivoIsencao', 'xMotivoIsencao', TEXT, min_occurs=0),
        XmlField('vPMC', 'vPMC', DECIMAL, places=(2,)),
    )


class Arma(XmlModel):
    """Armamentos (TNFe/infNFe/det/prod/arma)"""

    tpArma: TpArma
    nSerie: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)]
    nCano: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)]
    descr: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=256)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpArma', 'tpArma', TEXT),
        XmlField('nSerie', 'nSerie', TEXT),
        XmlField('nCano', 'nCano', TEXT),
        XmlField('descr', 'descr', TEXT),
    )


class Comb_CIDE(XmlModel):
    """CIDE Combustíveis (TNFe/infNFe/det/prod/comb/CIDE)"""

    qBCProd: TDec_1204v
    vAliqProd: TDec_1104
    vCIDE: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(4,)),
        XmlField('vCIDE', 'vCIDE', DECIMAL, places=(2,)),
    )


class Encerrante(XmlModel):
    """Informações do grupo de "encerrante" (TNFe/infNFe/det/prod/comb/encerrante)"""

    nBico: Annotated[str, Field(pattern='^(?:[0-9]{1,3})$')]
    nBomba: Annotated[str, Field(pattern='^(?:[0-9]{1,3})$')] | None = None
    nTanque: Annotated[str, Field(pattern='^(?:[0-9]{1,3})$')]
    vEncIni: TDec_1203
    vEncFin: TDec_1203
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nBico', 'nBico', TEXT),
        XmlField('nBomba', 'nBomba', TEXT, min_occurs=0),
        XmlField('nTanque', 'nTanque', TEXT),
        XmlField('vEncIni', 'vEncIni', DECIMAL, places=(3,)),
        XmlField('vEncFin', 'vEncFin', DECIMAL, places=(3,)),
    )


class OrigComb(XmlModel):
    """Grupo indicador da origem do combustível (TNFe/infNFe/det/prod/comb/origComb)"""

    indImport: IndImport
    cUFOrig: TCodUfIBGE
    pOrig: TDec_03v00a04Max100Opc
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('indImport', 'indImport', TEXT),
        XmlField('cUFOrig', 'cUFOrig', TEXT),
        XmlField('pOrig', 'pOrig', DECIMAL, places=(0, 1, 2, 3, 4)),
    )


class Comb(XmlModel):
    """Informar apenas para operações com combustíveis líquidos (TNFe/infNFe/det/prod/comb)"""

    cProdANP: Annotated[str, Field(pattern='^(?:[0-9]{9})$')]
    descANP: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=95)]
    pGLP: TDec_0302a04Max100 | None = None
    pGNn: TDec_0302a04Max100 | None = None
    pGNi: TDec_0302a04Max100 | None = None
    vPart: TDec_1302 | None = None
    CODIF: Annotated[str, Field(pattern='^(?:[0-9]{1,21})$')] | None = None
    qTemp: TDec_1204temperatura | None = None
    UFCons: TUf
    CIDE: Comb_CIDE | None = None
    encerrante: Encerrante | None = None
    pBio: TDec_03v00a04Max100Opc | None = None
    origComb: list[OrigComb] = Field(default_factory=list, max_length=30)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cProdANP', 'cProdANP', TEXT),
        XmlField('descANP', 'descANP', TEXT),
        XmlField('pGLP', 'pGLP', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pGNn', 'pGNn', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pGNi', 'pGNi', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vPart', 'vPart', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('CODIF', 'CODIF', TEXT, min_occurs=0),
        XmlField('qTemp', 'qTemp', DECIMAL, min_occurs=0, places=(4,)),
        XmlField('UFCons', 'UFCons', TEXT),
        XmlField('CIDE', 'CIDE', MODEL, min_occurs=0, model=Comb_CIDE),
        XmlField('encerrante', 'encerrante', MODEL, min_occurs=0, model=Encerrante),
        XmlField('pBio', 'pBio', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('origComb', 'origComb', MODEL, min_occurs=0, max_occurs=30, model=OrigComb),
    )


class Prod(ConstrainedXmlModel):
    """Dados dos produtos e serviços da NF-e (TNFe/infNFe/det/prod)"""

    cProd: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    cEAN: Annotated[str, Field(pattern='^(?:SEM GTIN|[0-9]{0}|[0-9]{8}|[0-9]{12,14})$')]
    cBarra: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=3, max_length=30)] | None = None
    xProd: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=120)]
    NCM: Annotated[str, Field(pattern='^(?:[0-9]{2}|[0-9]{8})$')]
    NVE: list[Annotated[str, Field(pattern='^(?:[A-Z]{2}[0-9]{4})$')]] = Field(default_factory=list, max_length=8)
    CEST: Annotated[str, Field(pattern='^(?:[0-9]{7})$')] | None = None
    indEscala: IndEscala | None = None
    CNPJFab: TCnpj | None = None
    cBenef: Annotated[str, Field(pattern='^(?:([!-ÿ]{8}|[!-ÿ]{10}|SEM CBENEF)?)$')] | None = None
    gCred: list[GCred] = Field(default_factory=list, max_length=4)
    tpCredPresIBSZFM: TTpCredPresIBSZFM | None = None
    EXTIPI: Annotated[str, Field(pattern='^(?:[0-9]{2,3})$')] | None = None
    CFOP: Annotated[str, Field(pattern='^(?:[1,2,3,5,6,7]{1}[0-9]{3})$')]
    uCom: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=6)]
    qCom: TDec_1104v
    vUnCom: TDec_1110v
    vProd: TDec_1302
    cEANTrib: Annotated[str, Field(pattern='^(?:SEM GTIN|[0-9]{0}|[0-9]{8}|[0-9]{12,14})$')]
    cBarraTrib: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=3, max_length=30)] | None = None
    uTrib: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=6)]
    qTrib: TDec_1104v
    vUnTrib: TDec_1110v
    vFrete: TDec_1302Opc | None = None
    vSeg: TDec_1302Opc | None = None
    vDesc: TDec_1302Opc | None = None
    vOutro: TDec_1302Opc | None = None
    indTot: IndTot
    indBemMovelUsado: Literal['1'] | None = None
    DI: list[Prod_DI] = Field(default_factory=list, max_length=100)
    detExport: list[DetExport] = Field(default_factory=list, max_length=500)
    xPed: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=15)] | None = None
    nItemPed: Annotated[str, Field(pattern='^(?:[0-9]{1,6})$')] | None = None
    nFCI: TGuid | None = None
    rastro: list[Rastro] = Field(default_factory=list, max_length=500)
    infProdNFF: InfProdNFF | None = None
    infProdEmb: InfProdEmb | None = None
    veicProd: VeicProd | None = None
    med: Med | None = None
    arma: list[Arma] = Field(default_factory=list, max_length=500)
    comb: Comb | None = None
    nRECOPI: Annotated[str, Field(pattern='^(?:[0-9]{20})$', max_length=20)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cProd', 'cProd', TEXT),
        XmlField('cEAN', 'cEAN', TEXT),
        XmlField('cBarra', 'cBarra', TEXT, min_occurs=0),
        XmlField('xProd', 'xProd', TEXT),
        XmlField('NCM', 'NCM', TEXT),
        XmlField('NVE', 'NVE', TEXT, min_occurs=0, max_occurs=8),
        XmlField('CEST', 'CEST', TEXT),
        XmlField('indEscala', 'indEscala', TEXT, min_occurs=0),
        XmlField('CNPJFab', 'CNPJFab', TEXT, min_occurs=0),
        XmlField('cBenef', 'cBenef', TEXT, min_occurs=0),
        XmlField('gCred', 'gCred', MODEL, min_occurs=0, max_occurs=4, model=GCred),
        XmlField('tpCredPresIBSZFM', 'tpCredPresIBSZFM', TEXT, min_occurs=0),
        XmlField('EXTIPI', 'EXTIPI', TEXT, min_occurs=0),
        XmlField('CFOP', 'CFOP', TEXT),
        XmlField('uCom', 'uCom', TEXT),
        XmlField('qCom', 'qCom', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vUnCom', 'vUnCom', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('vProd', 'vProd', DECIMAL, places=(2,)),
        XmlField('cEANTrib', 'cEANTrib', TEXT),
        XmlField('cBarraTrib', 'cBarraTrib', TEXT, min_occurs=0),
        XmlField('uTrib', 'uTrib', TEXT),
        XmlField('qTrib', 'qTrib', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vUnTrib', 'vUnTrib', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('vFrete', 'vFrete', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vSeg', 'vSeg', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDesc', 'vDesc', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vOutro', 'vOutro', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('indTot', 'indTot', TEXT),
        XmlField('indBemMovelUsado', 'indBemMovelUsado', TEXT, min_occurs=0),
        XmlField('DI', 'DI', MODEL, min_occurs=0, max_occurs=100, model=Prod_DI),
        XmlField('detExport', 'detExport', MODEL, min_occurs=0, max_occurs=500, model=DetExport),
        XmlField('xPed', 'xPed', TEXT, min_occurs=0),
        XmlField('nItemPed', 'nItemPed', TEXT, min_occurs=0),
        XmlField('nFCI', 'nFCI', TEXT, min_occurs=0),
        XmlField('rastro', 'rastro', MODEL, min_occurs=0, max_occurs=500, model=Rastro),
        XmlField('infProdNFF', 'infProdNFF', MODEL, min_occurs=0, model=InfProdNFF),
        XmlField('infProdEmb', 'infProdEmb', MODEL, min_occurs=0, model=InfProdEmb),
        XmlField('veicProd', 'veicProd', MODEL, model=VeicProd),
        XmlField('med', 'med', MODEL, model=Med),
        XmlField('arma', 'arma', MODEL, max_occurs=500, model=Arma),
        XmlField('comb', 'comb', MODEL, model=Comb),
        XmlField('nRECOPI', 'nRECOPI', TEXT),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('veicProd',), ('med',), ('arma',), ('comb',), ('nRECOPI',)), False),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('CEST', 'indEscala', 'CNPJFab'), ('CEST',)),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['veicProd'] is not None) + (d['med'] is not None) + (bool(d['arma'])) + (d['comb'] is not None) + (d['nRECOPI'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        if (d['CEST'] is not None or d['indEscala'] is not None or d['CNPJFab'] is not None) and not (d['CEST'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMS00(ConstrainedXmlModel):
    """Tributação pelo ICMS 00 - Tributada integralmente (TNFe/infNFe/det/imposto/ICMS/ICMS00)"""

    orig: Torig
    CST: Literal['00'] = '00'
    modBC: ModBC
    vBC: TDec_1302
    pICMS: TDec_0302a04
    vICMS: TDec_1302
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('pFCP', 'vFCP'), ('pFCP', 'vFCP')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['pFCP'] is not None or d['vFCP'] is not None) and not (d['pFCP'] is not None and d['vFCP'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMS02(XmlModel):
    """Tributação monofásica própria sobre combustíveis (TNFe/infNFe/det/imposto/ICMS/ICMS02)"""

    orig: Torig
    CST: Literal['02'] = '02'
    qBCMono: TDec_1104v | None = None
    adRemICMS: TDec_0302a04
    vICMSMono: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCMono', 'qBCMono', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMS', 'adRemICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSMono', 'vICMSMono', DECIMAL, places=(2,)),
    )


class ICMS_ICMS10(ConstrainedXmlModel):
    """Tributação pelo ICMS 10 - Tributada e com cobrança do ICMS por substituição tributária
    (TNFe/infNFe/det/imposto/ICMS/ICMS10)
    """

    orig: Torig
    CST: Literal['10'] = '10'
    modBC: ModBC
    vBC: TDec_1302
    pICMS: TDec_0302a04
    vICMS: TDec_1302
    vBCFCP: TDec_1302 | None = None
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    vICMSSTDeson: TDec_1302 | None = None
    motDesICMSST: MotDesICMSST | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('vBCFCP', 'vBCFCP', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('vICMSSTDeson', 'vICMSSTDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMSST', 'motDesICMSST', TEXT),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCP', 'pFCP', 'vFCP'), ('vBCFCP', 'pFCP', 'vFCP')),
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
        XmlSequence(('vICMSSTDeson', 'motDesICMSST'), ('vICMSSTDeson', 'motDesICMSST')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCP'] is not None or d['pFCP'] is not None or d['vFCP'] is not None) and not (d['vBCFCP'] is not None and d['pFCP'] is not None and d['vFCP'] is not None):
            sequence_error(self, 0)
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 1)
        if (d['vICMSSTDeson'] is not None or d['motDesICMSST'] is not None) and not (d['vICMSSTDeson'] is not None and d['motDesICMSST'] is not None):
            sequence_error(self, 2)
        return self


class ICMS_ICMS15(ConstrainedXmlModel):
    """Tributação monofásica própria e com responsabilidade pela retenção sobre combustíveis
    (TNFe/infNFe/det/imposto/ICMS/ICMS15)
    """

    orig: Torig
    CST: Literal['15'] = '15'
    qBCMono: TDec_1104v | None = None
    adRemICMS: TDec_0302a04
    vICMSMono: TDec_1302
    qBCMonoReten: TDec_1104v | None = None
    adRemICMSReten: TDec_0302a04
    vICMSMonoReten: TDec_1302
    pRedAdRem: TDec_0302Max100 | None = None
    motRedAdRem: MotRedAdRem | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCMono', 'qBCMono', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMS', 'adRemICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSMono', 'vICMSMono', DECIMAL, places=(2,)),
        XmlField('qBCMonoReten', 'qBCMonoReten', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMSReten', 'adRemICMSReten', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSMonoReten', 'vICMSMonoReten', DECIMAL, places=(2,)),
        XmlField('pRedAdRem', 'pRedAdRem', DECIMAL, places=(2,)),
        XmlField('motRedAdRem', 'motRedAdRem', TEXT),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('pRedAdRem', 'motRedAdRem'), ('pRedAdRem', 'motRedAdRem')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['pRedAdRem'] is not None or d['motRedAdRem'] is not None) and not (d['pRedAdRem'] is not None and d['motRedAdRem'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMS20(ConstrainedXmlModel):
    """Tributção pelo ICMS 20 - Com redução de base de cálculo (TNFe/infNFe/det/imposto/ICMS/ICMS20)"""

    orig: Torig
    CST: Literal['20'] = '20'
    modBC: ModBC
    pRedBC: TDec_0302a04
    vBC: TDec_1302
    pICMS: TDec_0302a04
    vICMS: TDec_1302
    vBCFCP: TDec_1302 | None = None
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS1 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('pRedBC', 'pRedBC', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('vBCFCP', 'vBCFCP', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCP', 'pFCP', 'vFCP'), ('vBCFCP', 'pFCP', 'vFCP')),
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCP'] is not None or d['pFCP'] is not None or d['vFCP'] is not None) and not (d['vBCFCP'] is not None and d['pFCP'] is not None and d['vFCP'] is not None):
            sequence_error(self, 0)
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 1)
        return self


class ICMS_ICMS30(ConstrainedXmlModel):
    """Tributação pelo ICMS 30 - Isenta ou não tributada e com cobrança do ICMS por substituição tributária
    (TNFe/infNFe/det/imposto/ICMS/ICMS30)
    """

    orig: Torig
    CST: Literal['30'] = '30'
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS2 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 0)
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 1)
        return self


class ICMS_ICMS40(ConstrainedXmlModel):
    """Tributação pelo ICMS 40 - Isenta 41 - Não tributada 50 - Suspensão
    (TNFe/infNFe/det/imposto/ICMS/ICMS40)
    """

    orig: Torig
    CST: CST1
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS3 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMS51(ConstrainedXmlModel):
    """Tributção pelo ICMS 51 - Diferimento. A exigência do preenchimento das informações do ICMS diferido
    fica à critério de cada UF. (TNFe/infNFe/det/imposto/ICMS/ICMS51)
    """

    orig: Torig
    CST: Literal['51'] = '51'
    modBC: ModBC | None = None
    pRedBC: TDec_0302a04 | None = None
    cBenefRBC: Annotated[str, Field(pattern='^(?:[!-ÿ]{8}|[!-ÿ]{10})$')] | None = None
    vBC: TDec_1302 | None = None
    pICMS: TDec_0302a04 | None = None
    vICMSOp: TDec_1302 | None = None
    pDif: TDec_0302a04Max100 | None = None
    vICMSDif: TDec_1302 | None = None
    vICMS: TDec_1302 | None = None
    vBCFCP: TDec_1302 | None = None
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    pFCPDif: TDec_0302a04Opc | None = None
    vFCPDif: TDec_1302 | None = None
    vFCPEfet: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT, min_occurs=0),
        XmlField('pRedBC', 'pRedBC', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('cBenefRBC', 'cBenefRBC', TEXT, min_occurs=0),
        XmlField('vBC', 'vBC', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('pICMS', 'pICMS', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vICMSOp', 'vICMSOp', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('pDif', 'pDif', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vICMSDif', 'vICMSDif', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMS', 'vICMS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vBCFCP', 'vBCFCP', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('pFCPDif', 'pFCPDif', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPDif', 'vFCPDif', DECIMAL, places=(2,)),
        XmlField('vFCPEfet', 'vFCPEfet', DECIMAL, min_occurs=0, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCP', 'pFCP', 'vFCP'), ('vBCFCP', 'pFCP', 'vFCP')),
        XmlSequence(('pFCPDif', 'vFCPDif', 'vFCPEfet'), ('pFCPDif', 'vFCPDif')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCP'] is not None or d['pFCP'] is not None or d['vFCP'] is not None) and not (d['vBCFCP'] is not None and d['pFCP'] is not None and d['vFCP'] is not None):
            sequence_error(self, 0)
        if (d['pFCPDif'] is not None or d['vFCPDif'] is not None or d['vFCPEfet'] is not None) and not (d['pFCPDif'] is not None and d['vFCPDif'] is not None):
            sequence_error(self, 1)
        return self


class ICMS_ICMS53(XmlModel):
    """Tributação monofásica sobre combustíveis com recolhimento diferido
    (TNFe/infNFe/det/imposto/ICMS/ICMS53)
    """

    orig: Torig
    CST: Literal['53'] = '53'
    qBCMono: TDec_1104v | None = None
    adRemICMS: TDec_0302a04 | None = None
    vICMSMonoOp: TDec_1302 | None = None
    pDif: TDec_0302a04Max100 | None = None
    vICMSMonoDif: TDec_1302 | None = None
    vICMSMono: TDec_1302 | None = None
    qBCMonoDif: TDec_1104v | None = None
    adRemICMSDif: TDec_0302a04 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCMono', 'qBCMono', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMS', 'adRemICMS', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vICMSMonoOp', 'vICMSMonoOp', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('pDif', 'pDif', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vICMSMonoDif', 'vICMSMonoDif', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSMono', 'vICMSMono', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('qBCMonoDif', 'qBCMonoDif', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMSDif', 'adRemICMSDif', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
    )


class ICMS_ICMS60(ConstrainedXmlModel):
    """Tributação pelo ICMS 60 - ICMS cobrado anteriormente por substituição tributária
    (TNFe/infNFe/det/imposto/ICMS/ICMS60)
    """

    orig: Torig
    CST: Literal['60'] = '60'
    vBCSTRet: TDec_1302 | None = None
    pST: TDec_0302a04Opc | None = None
    vICMSSubstituto: TDec_1302 | None = None
    vICMSSTRet: TDec_1302 | None = None
    vBCFCPSTRet: TDec_1302 | None = None
    pFCPSTRet: TDec_0302a04Opc | None = None
    vFCPSTRet: TDec_1302 | None = None
    pRedBCEfet: TDec_0302a04Opc | None = None
    vBCEfet: TDec_1302 | None = None
    pICMSEfet: TDec_0302a04Opc | None = None
    vICMSEfet: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('vBCSTRet', 'vBCSTRet', DECIMAL, places=(2,)),
        XmlField('pST', 'pST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSSubstituto', 'vICMSSubstituto', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSSTRet', 'vICMSSTRet', DECIMAL, places=(2,)),
        XmlField('vBCFCPSTRet', 'vBCFCPSTRet', DECIMAL, places=(2,)),
        XmlField('pFCPSTRet', 'pFCPSTRet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPSTRet', 'vFCPSTRet', DECIMAL, places=(2,)),
        XmlField('pRedBCEfet', 'pRedBCEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vBCEfet', 'vBCEfet', DECIMAL, places=(2,)),
        XmlField('pICMSEfet', 'pICMSEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSEfet', 'vICMSEfet', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCSTRet', 'pST', 'vICMSSubstituto', 'vICMSSTRet'), ('vBCSTRet', 'pST', 'vICMSSTRet')),
        XmlSequence(('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet'), ('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet')),
        XmlSequence(('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet'), ('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCSTRet'] is not None or d['pST'] is not None or d['vICMSSubstituto'] is not None or d['vICMSSTRet'] is not None) and not (d['vBCSTRet'] is not None and d['pST'] is not None and d['vICMSSTRet'] is not None):
            sequence_error(self, 0)
        if (d['vBCFCPSTRet'] is not None or d['pFCPSTRet'] is not None or d['vFCPSTRet'] is not None) and not (d['vBCFCPSTRet'] is not None and d['pFCPSTRet'] is not None and d['vFCPSTRet'] is not None):
            sequence_error(self, 1)
        if (d['pRedBCEfet'] is not None or d['vBCEfet'] is not None or d['pICMSEfet'] is not None or d['vICMSEfet'] is not None) and not (d['pRedBCEfet'] is not None and d['vBCEfet'] is not None and d['pICMSEfet'] is not None and d['vICMSEfet'] is not None):
            sequence_error(self, 2)
        return self


class ICMS_ICMS61(XmlModel):
    """Tributação monofásica sobre combustíveis cobrada anteriormente;
    (TNFe/infNFe/det/imposto/ICMS/ICMS61)
    """

    orig: Torig
    CST: Literal['61'] = '61'
    qBCMonoRet: TDec_1104v | None = None
    adRemICMSRet: TDec_0302a04
    vICMSMonoRet: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCMonoRet', 'qBCMonoRet', DECIMAL, min_occurs=0, places=(0, 1, 2, 3, 4)),
        XmlField('adRemICMSRet', 'adRemICMSRet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSMonoRet', 'vICMSMonoRet', DECIMAL, places=(2,)),
    )


class ICMS_ICMS70(ConstrainedXmlModel):
    """Tributação pelo ICMS 70 - Com redução de base de cálculo e cobrança do ICMS por substituição
    tributária (TNFe/infNFe/det/imposto/ICMS/ICMS70)
    """

    orig: Torig
    CST: Literal['70'] = '70'
    modBC: ModBC
    pRedBC: TDec_0302a04
    vBC: TDec_1302
    pICMS: TDec_0302a04
    vICMS: TDec_1302
    vBCFCP: TDec_1302 | None = None
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS4 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    vICMSSTDeson: TDec_1302 | None = None
    motDesICMSST: MotDesICMSST | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('pRedBC', 'pRedBC', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('vBCFCP', 'vBCFCP', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
        XmlField('vICMSSTDeson', 'vICMSSTDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMSST', 'motDesICMSST', TEXT),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCP', 'pFCP', 'vFCP'), ('vBCFCP', 'pFCP', 'vFCP')),
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
        XmlSequence(('vICMSSTDeson', 'motDesICMSST'), ('vICMSSTDeson', 'motDesICMSST')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCP'] is not None or d['pFCP'] is not None or d['vFCP'] is not None) and not (d['vBCFCP'] is not None and d['pFCP'] is not None and d['vFCP'] is not None):
            sequence_error(self, 0)
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 1)
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 2)
        if (d['vICMSSTDeson'] is not None or d['motDesICMSST'] is not None) and not (d['vICMSSTDeson'] is not None and d['motDesICMSST'] is not None):
            sequence_error(self, 3)
        return self


class ICMS_ICMS90(ConstrainedXmlModel):
    """Tributação pelo ICMS 90 - Outras (TNFe/infNFe/det/imposto/ICMS/ICMS90)"""

    orig: Torig
    CST: Literal['90'] = '90'
    modBC: ModBC | None = None
    vBC: TDec_1302 | None = None
    pRedBC: TDec_0302a04Opc | None = None
    cBenefRBC: Annotated[str, Field(pattern='^(?:[!-ÿ]{8}|[!-ÿ]{10})$')] | None = None
    pICMS: TDec_0302a04 | None = None
    vICMSOp: TDec_1302 | None = None
    pDif: TDec_0302a04Max100 | None = None
    vICMSDif: TDec_1302 | None = None
    vICMS: TDec_1302 | None = None
    vBCFCP: TDec_1302 | None = None
    pFCP: TDec_0302a04Opc | None = None
    vFCP: TDec_1302 | None = None
    pFCPDif: TDec_0302a04Opc | None = None
    vFCPDif: TDec_1302 | None = None
    vFCPEfet: TDec_1302 | None = None
    modBCST: ModBCST | None = None
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302 | None = None
    pICMSST: TDec_0302a04 | None = None
    vICMSST: TDec_1302 | None = None
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS4 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    vICMSSTDeson: TDec_1302 | None = None
    motDesICMSST: MotDesICMSST | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pRedBC', 'pRedBC', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('cBenefRBC', 'cBenefRBC', TEXT, min_occurs=0),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSOp', 'vICMSOp', DECIMAL, places=(2,)),
        XmlField('pDif', 'pDif', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSDif', 'vICMSDif', DECIMAL, places=(2,)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('vBCFCP', 'vBCFCP', DECIMAL, places=(2,)),
        XmlField('pFCP', 'pFCP', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('pFCPDif', 'pFCPDif', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPDif', 'vFCPDif', DECIMAL, places=(2,)),
        XmlField('vFCPEfet', 'vFCPEfet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
        XmlField('vICMSSTDeson', 'vICMSSTDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMSST', 'motDesICMSST', TEXT),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('modBC', 'vBC', 'pRedBC', 'cBenefRBC', 'pICMS', 'vICMSOp', 'pDif', 'vICMSDif', 'vICMS', 'vBCFCP', 'pFCP', 'vFCP', 'pFCPDif', 'vFCPDif', 'vFCPEfet'), ('modBC', 'vBC', 'pICMS', 'vICMS')),
        XmlSequence(('modBCST', 'pMVAST', 'pRedBCST', 'vBCST', 'pICMSST', 'vICMSST', 'vBCFCPST', 'pFCPST', 'vFCPST'), ('modBCST', 'vBCST', 'pICMSST', 'vICMSST')),
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
        XmlSequence(('vICMSSTDeson', 'motDesICMSST'), ('vICMSSTDeson', 'motDesICMSST')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['modBC'] is not None or d['vBC'] is not None or d['pRedBC'] is not None or d['cBenefRBC'] is not None or d['pICMS'] is not None or d['vICMSOp'] is not None or d['pDif'] is not None or d['vICMSDif'] is not None or d['vICMS'] is not None or d['vBCFCP'] is not None or d['pFCP'] is not None or d['vFCP'] is not None or d['pFCPDif'] is not None or d['vFCPDif'] is not None or d['vFCPEfet'] is not None) and not (d['modBC'] is not None and d['vBC'] is not None and d['pICMS'] is not None and d['vICMS'] is not None):
            sequence_error(self, 0)
        if (d['modBCST'] is not None or d['pMVAST'] is not None or d['pRedBCST'] is not None or d['vBCST'] is not None or d['pICMSST'] is not None or d['vICMSST'] is not None or d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['modBCST'] is not None and d['vBCST'] is not None and d['pICMSST'] is not None and d['vICMSST'] is not None):
            sequence_error(self, 1)
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 2)
        if (d['vICMSSTDeson'] is not None or d['motDesICMSST'] is not None) and not (d['vICMSSTDeson'] is not None and d['motDesICMSST'] is not None):
            sequence_error(self, 3)
        return self


class ICMS_ICMSPart(ConstrainedXmlModel):
    """Partilha do ICMS entre a UF de origem e UF de destino ou a UF definida na legislação Operação
    interestadual para consumidor final com partilha do ICMS devido na...
    (TNFe/infNFe/det/imposto/ICMS/ICMSPart)
    """

    orig: Torig
    CST: CST2
    modBC: ModBC
    vBC: TDec_1302
    pRedBC: TDec_0302a04Opc | None = None
    pICMS: TDec_0302a04
    vICMS: TDec_1302
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    pBCOp: TDec_0302a04Opc
    UFST: TUf
    vICMSDeson: TDec_1302 | None = None
    motDesICMS: MotDesICMS5 | None = None
    indDeduzDeson: IndDeduzDeson | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pRedBC', 'pRedBC', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('pBCOp', 'pBCOp', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('UFST', 'UFST', TEXT),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('motDesICMS', 'motDesICMS', TEXT),
        XmlField('indDeduzDeson', 'indDeduzDeson', TEXT, min_occurs=0),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
        XmlSequence(('vICMSDeson', 'motDesICMS', 'indDeduzDeson'), ('vICMSDeson', 'motDesICMS')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 0)
        if (d['vICMSDeson'] is not None or d['motDesICMS'] is not None or d['indDeduzDeson'] is not None) and not (d['vICMSDeson'] is not None and d['motDesICMS'] is not None):
            sequence_error(self, 1)
        return self


class ICMS_ICMSST(ConstrainedXmlModel):
    """Grupo de informação do ICMSST devido para a UF de destino, nas operações interestaduais de produtos
    que tiveram retenção antecipada de ICMS por ST na UF do reme...
    (TNFe/infNFe/det/imposto/ICMS/ICMSST)
    """

    orig: Torig
    CST: CST3
    vBCSTRet: TDec_1302
    pST: TDec_0302a04Opc | None = None
    vICMSSubstituto: TDec_1302 | None = None
    vICMSSTRet: TDec_1302
    vBCFCPSTRet: TDec_1302 | None = None
    pFCPSTRet: TDec_0302a04Opc | None = None
    vFCPSTRet: TDec_1302 | None = None
    vBCSTDest: TDec_1302
    vICMSSTDest: TDec_1302
    pRedBCEfet: TDec_0302a04Opc | None = None
    vBCEfet: TDec_1302 | None = None
    pICMSEfet: TDec_0302a04Opc | None = None
    vICMSEfet: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CST', 'CST', TEXT),
        XmlField('vBCSTRet', 'vBCSTRet', DECIMAL, places=(2,)),
        XmlField('pST', 'pST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vICMSSubstituto', 'vICMSSubstituto', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSSTRet', 'vICMSSTRet', DECIMAL, places=(2,)),
        XmlField('vBCFCPSTRet', 'vBCFCPSTRet', DECIMAL, places=(2,)),
        XmlField('pFCPSTRet', 'pFCPSTRet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPSTRet', 'vFCPSTRet', DECIMAL, places=(2,)),
        XmlField('vBCSTDest', 'vBCSTDest', DECIMAL, places=(2,)),
        XmlField('vICMSSTDest', 'vICMSSTDest', DECIMAL, places=(2,)),
        XmlField('pRedBCEfet', 'pRedBCEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vBCEfet', 'vBCEfet', DECIMAL, places=(2,)),
        XmlField('pICMSEfet', 'pICMSEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSEfet', 'vICMSEfet', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet'), ('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet')),
        XmlSequence(('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet'), ('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCPSTRet'] is not None or d['pFCPSTRet'] is not None or d['vFCPSTRet'] is not None) and not (d['vBCFCPSTRet'] is not None and d['pFCPSTRet'] is not None and d['vFCPSTRet'] is not None):
            sequence_error(self, 0)
        if (d['pRedBCEfet'] is not None or d['vBCEfet'] is not None or d['pICMSEfet'] is not None or d['vICMSEfet'] is not None) and not (d['pRedBCEfet'] is not None and d['vBCEfet'] is not None and d['pICMSEfet'] is not None and d['vICMSEfet'] is not None):
            sequence_error(self, 1)
        return self


class ICMS_ICMSSN101(XmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL e CSOSN=101 (v.2.0)
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN101)
    """

    orig: Torig
    CSOSN: Literal['101'] = '101'
    pCredSN: TDec_0302a04
    vCredICMSSN: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CSOSN', 'CSOSN', TEXT),
        XmlField('pCredSN', 'pCredSN', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCredICMSSN', 'vCredICMSSN', DECIMAL, places=(2,)),
    )


class ICMS_ICMSSN102(XmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL e CSOSN=102, 103, 300 ou 400 (v.2.0))
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN102)
    """

    orig: Torig | None = None
    CSOSN: CSOSN1
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT, min_occurs=0),
        XmlField('CSOSN', 'CSOSN', TEXT),
    )


class ICMS_ICMSSN201(ConstrainedXmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL e CSOSN=201 (v.2.0)
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN201)
    """

    orig: Torig
    CSOSN: Literal['201'] = '201'
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    pCredSN: TDec_0302a04
    vCredICMSSN: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CSOSN', 'CSOSN', TEXT),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('pCredSN', 'pCredSN', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCredICMSSN', 'vCredICMSSN', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMSSN202(ConstrainedXmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL e CSOSN=202 ou 203 (v.2.0)
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN202)
    """

    orig: Torig
    CSOSN: CSOSN2
    modBCST: ModBCST
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302
    pICMSST: TDec_0302a04
    vICMSST: TDec_1302
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CSOSN', 'CSOSN', TEXT),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCFCPST', 'pFCPST', 'vFCPST'), ('vBCFCPST', 'pFCPST', 'vFCPST')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['vBCFCPST'] is not None and d['pFCPST'] is not None and d['vFCPST'] is not None):
            sequence_error(self, 0)
        return self


class ICMS_ICMSSN500(ConstrainedXmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL,CRT=1 – Simples Nacional e CSOSN=500 (v.2.0)
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN500)
    """

    orig: Torig
    CSOSN: Literal['500'] = '500'
    vBCSTRet: TDec_1302 | None = None
    pST: TDec_0302a04Opc | None = None
    vICMSSubstituto: TDec_1302 | None = None
    vICMSSTRet: TDec_1302 | None = None
    vBCFCPSTRet: TDec_1302 | None = None
    pFCPSTRet: TDec_0302a04Opc | None = None
    vFCPSTRet: TDec_1302 | None = None
    pRedBCEfet: TDec_0302a04Opc | None = None
    vBCEfet: TDec_1302 | None = None
    pICMSEfet: TDec_0302a04Opc | None = None
    vICMSEfet: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT),
        XmlField('CSOSN', 'CSOSN', TEXT),
        XmlField('vBCSTRet', 'vBCSTRet', DECIMAL, places=(2,)),
        XmlField('pST', 'pST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSSubstituto', 'vICMSSubstituto', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSSTRet', 'vICMSSTRet', DECIMAL, places=(2,)),
        XmlField('vBCFCPSTRet', 'vBCFCPSTRet', DECIMAL, places=(2,)),
        XmlField('pFCPSTRet', 'pFCPSTRet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPSTRet', 'vFCPSTRet', DECIMAL, places=(2,)),
        XmlField('pRedBCEfet', 'pRedBCEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vBCEfet', 'vBCEfet', DECIMAL, places=(2,)),
        XmlField('pICMSEfet', 'pICMSEfet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSEfet', 'vICMSEfet', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCSTRet', 'pST', 'vICMSSubstituto', 'vICMSSTRet'), ('vBCSTRet', 'pST', 'vICMSSTRet')),
        XmlSequence(('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet'), ('vBCFCPSTRet', 'pFCPSTRet', 'vFCPSTRet')),
        XmlSequence(('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet'), ('pRedBCEfet', 'vBCEfet', 'pICMSEfet', 'vICMSEfet')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCSTRet'] is not None or d['pST'] is not None or d['vICMSSubstituto'] is not None or d['vICMSSTRet'] is not None) and not (d['vBCSTRet'] is not None and d['pST'] is not None and d['vICMSSTRet'] is not None):
            sequence_error(self, 0)
        if (d['vBCFCPSTRet'] is not None or d['pFCPSTRet'] is not None or d['vFCPSTRet'] is not None) and not (d['vBCFCPSTRet'] is not None and d['pFCPSTRet'] is not None and d['vFCPSTRet'] is not None):
            sequence_error(self, 1)
        if (d['pRedBCEfet'] is not None or d['vBCEfet'] is not None or d['pICMSEfet'] is not None or d['vICMSEfet'] is not None) and not (d['pRedBCEfet'] is not None and d['vBCEfet'] is not None and d['pICMSEfet'] is not None and d['vICMSEfet'] is not None):
            sequence_error(self, 2)
        return self


class ICMS_ICMSSN900(ConstrainedXmlModel):
    """Tributação do ICMS pelo SIMPLES NACIONAL, CRT=1 – Simples Nacional, CRT=4 - MEI e CSOSN=900 (v2.0)
    (TNFe/infNFe/det/imposto/ICMS/ICMSSN900)
    """

    orig: Torig | None = None
    CSOSN: Literal['900'] = '900'
    modBC: ModBC | None = None
    vBC: TDec_1302 | None = None
    pRedBC: TDec_0302a04Opc | None = None
    pICMS: TDec_0302a04 | None = None
    vICMS: TDec_1302 | None = None
    modBCST: ModBCST | None = None
    pMVAST: TDec_0302a04Opc | None = None
    pRedBCST: TDec_0302a04Opc | None = None
    vBCST: TDec_1302 | None = None
    pICMSST: TDec_0302a04 | None = None
    vICMSST: TDec_1302 | None = None
    vBCFCPST: TDec_1302 | None = None
    pFCPST: TDec_0302a04Opc | None = None
    vFCPST: TDec_1302 | None = None
    pCredSN: TDec_0302a04 | None = None
    vCredICMSSN: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('orig', 'orig', TEXT, min_occurs=0),
        XmlField('CSOSN', 'CSOSN', TEXT),
        XmlField('modBC', 'modBC', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pRedBC', 'pRedBC', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pICMS', 'pICMS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('modBCST', 'modBCST', TEXT),
        XmlField('pMVAST', 'pMVAST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pRedBCST', 'pRedBCST', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('pICMSST', 'pICMSST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSST', 'vICMSST', DECIMAL, places=(2,)),
        XmlField('vBCFCPST', 'vBCFCPST', DECIMAL, places=(2,)),
        XmlField('pFCPST', 'pFCPST', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('pCredSN', 'pCredSN', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCredICMSSN', 'vCredICMSSN', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('modBC', 'vBC', 'pRedBC', 'pICMS', 'vICMS'), ('modBC', 'vBC', 'pICMS', 'vICMS')),
        XmlSequence(('modBCST', 'pMVAST', 'pRedBCST', 'vBCST', 'pICMSST', 'vICMSST', 'vBCFCPST', 'pFCPST', 'vFCPST'), ('modBCST', 'vBCST', 'pICMSST', 'vICMSST')),
        XmlSequence(('pCredSN', 'vCredICMSSN'), ('pCredSN', 'vCredICMSSN')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['modBC'] is not None or d['vBC'] is not None or d['pRedBC'] is not None or d['pICMS'] is not None or d['vICMS'] is not None) and not (d['modBC'] is not None and d['vBC'] is not None and d['pICMS'] is not None and d['vICMS'] is not None):
            sequence_error(self, 0)
        if (d['modBCST'] is not None or d['pMVAST'] is not None or d['pRedBCST'] is not None or d['vBCST'] is not None or d['pICMSST'] is not None or d['vICMSST'] is not None or d['vBCFCPST'] is not None or d['pFCPST'] is not None or d['vFCPST'] is not None) and not (d['modBCST'] is not None and d['vBCST'] is not None and d['pICMSST'] is not None and d['vICMSST'] is not None):
            sequence_error(self, 1)
        if (d['pCredSN'] is not None or d['vCredICMSSN'] is not None) and not (d['pCredSN'] is not None and d['vCredICMSSN'] is not None):
            sequence_error(self, 2)
        return self


class Imposto_ICMS(ConstrainedXmlModel):
    """Dados do ICMS Normal e ST (TNFe/infNFe/det/imposto/ICMS)"""

    ICMS00: ICMS_ICMS00 | None = None
    ICMS02: ICMS_ICMS02 | None = None
    ICMS10: ICMS_ICMS10 | None = None
    ICMS15: ICMS_ICMS15 | None = None
    ICMS20: ICMS_ICMS20 | None = None
    ICMS30: ICMS_ICMS30 | None = None
    ICMS40: ICMS_ICMS40 | None = None
    ICMS51: ICMS_ICMS51 | None = None
    ICMS53: ICMS_ICMS53 | None = None
    ICMS60: ICMS_ICMS60 | None = None
    ICMS61: ICMS_ICMS61 | None = None
    ICMS70: ICMS_ICMS70 | None = None
    ICMS90: ICMS_ICMS90 | None = None
    ICMSPart: ICMS_ICMSPart | None = None
    ICMSST: ICMS_ICMSST | None = None
    ICMSSN101: ICMS_ICMSSN101 | None = None
    ICMSSN102: ICMS_ICMSSN102 | None = None
    ICMSSN201: ICMS_ICMSSN201 | None = None
    ICMSSN202: ICMS_ICMSSN202 | None = None
    ICMSSN500: ICMS_ICMSSN500 | None = None
    ICMSSN900: ICMS_ICMSSN900 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('ICMS00', 'ICMS00', MODEL, model=ICMS_ICMS00),
        XmlField('ICMS02', 'ICMS02', MODEL, model=ICMS_ICMS02),
        XmlField('ICMS10', 'ICMS10', MODEL, model=ICMS_ICMS10),
        XmlField('ICMS15', 'ICMS15', MODEL, model=ICMS_ICMS15),
        XmlField('ICMS20', 'ICMS20', MODEL, model=ICMS_ICMS20),
        XmlField('ICMS30', 'ICMS30', MODEL, model=ICMS_ICMS30),
        XmlField('ICMS40', 'ICMS40', MODEL, model=ICMS_ICMS40),
        XmlField('ICMS51', 'ICMS51', MODEL, model=ICMS_ICMS51),
        XmlField('ICMS53', 'ICMS53', MODEL, model=ICMS_ICMS53),
        XmlField('ICMS60', 'ICMS60', MODEL, model=ICMS_ICMS60),
        XmlField('ICMS61', 'ICMS61', MODEL, model=ICMS_ICMS61),
        XmlField('ICMS70', 'ICMS70', MODEL, model=ICMS_ICMS70),
        XmlField('ICMS90', 'ICMS90', MODEL, model=ICMS_ICMS90),
        XmlField('ICMSPart', 'ICMSPart', MODEL, model=ICMS_ICMSPart),
        XmlField('ICMSST', 'ICMSST', MODEL, model=ICMS_ICMSST),
        XmlField('ICMSSN101', 'ICMSSN101', MODEL, model=ICMS_ICMSSN101),
        XmlField('ICMSSN102', 'ICMSSN102', MODEL, model=ICMS_ICMSSN102),
        XmlField('ICMSSN201', 'ICMSSN201', MODEL, model=ICMS_ICMSSN201),
        XmlField('ICMSSN202', 'ICMSSN202', MODEL, model=ICMS_ICMSSN202),
        XmlField('ICMSSN500', 'ICMSSN500', MODEL, model=ICMS_ICMSSN500),
        XmlField('ICMSSN900', 'ICMSSN900', MODEL, model=ICMS_ICMSSN900),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('ICMS00',), ('ICMS02',), ('ICMS10',), ('ICMS15',), ('ICMS20',), ('ICMS30',), ('ICMS40',), ('ICMS51',), ('ICMS53',), ('ICMS60',), ('ICMS61',), ('ICMS70',), ('ICMS90',), ('ICMSPart',), ('ICMSST',), ('ICMSSN101',), ('ICMSSN102',), ('ICMSSN201',), ('ICMSSN202',), ('ICMSSN500',), ('ICMSSN900',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['ICMS00'] is not None) + (d['ICMS02'] is not None) + (d['ICMS10'] is not None) + (d['ICMS15'] is not None) + (d['ICMS20'] is not None) + (d['ICMS30'] is not None) + (d['ICMS40'] is not None) + (d['ICMS51'] is not None) + (d['ICMS53'] is not None) + (d['ICMS60'] is not None) + (d['ICMS61'] is not None) + (d['ICMS70'] is not None) + (d['ICMS90'] is not None) + (d['ICMSPart'] is not None) + (d['ICMSST'] is not None) + (d['ICMSSN101'] is not None) + (d['ICMSSN102'] is not None) + (d['ICMSSN201'] is not None) + (d['ICMSSN202'] is not None) + (d['ICMSSN500'] is not None) + (d['ICMSSN900'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TIpi_IPITrib(ConstrainedXmlModel):
    """TIpi/IPITrib"""

    CST: CST4
    vBC: TDec_1302 | None = None
    pIPI: TDec_0302a04 | None = None
    qUnid: TDec_1204v | None = None
    vUnid: TDec_1104 | None = None
    vIPI: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pIPI', 'pIPI', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('qUnid', 'qUnid', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vUnid', 'vUnid', DECIMAL, places=(4,)),
        XmlField('vIPI', 'vIPI', DECIMAL, places=(2,)),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vBC', 'pIPI'), ('qUnid', 'vUnid')), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vBC'] is not None or d['pIPI'] is not None) + (d['qUnid'] is not None or d['vUnid'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TIpi_IPINT(XmlModel):
    """TIpi/IPINT"""

    CST: CST5
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
    )


class TIpi(ConstrainedXmlModel):
    """Tipo: Dados do IPI (TIpi)"""

    CNPJProd: TCnpj | None = None
    cSelo: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    qSelo: Annotated[str, Field(pattern='^(?:[0-9]{1,12})$')] | None = None
    cEnq: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=3)]
    IPITrib: TIpi_IPITrib | None = None
    IPINT: TIpi_IPINT | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJProd', 'CNPJProd', TEXT, min_occurs=0),
        XmlField('cSelo', 'cSelo', TEXT, min_occurs=0),
        XmlField('qSelo', 'qSelo', TEXT, min_occurs=0),
        XmlField('cEnq', 'cEnq', TEXT),
        XmlField('IPITrib', 'IPITrib', MODEL, model=TIpi_IPITrib),
        XmlField('IPINT', 'IPINT', MODEL, model=TIpi_IPINT),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('IPITrib',), ('IPINT',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['IPITrib'] is not None) + (d['IPINT'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_II(XmlModel):
    """Dados do Imposto de Importação (TNFe/infNFe/det/imposto/II)"""

    vBC: TDec_1302
    vDespAdu: TDec_1302
    vII: TDec_1302
    vIOF: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('vDespAdu', 'vDespAdu', DECIMAL, places=(2,)),
        XmlField('vII', 'vII', DECIMAL, places=(2,)),
        XmlField('vIOF', 'vIOF', DECIMAL, places=(2,)),
    )


class Imposto_ISSQN(XmlModel):
    """ISSQN (TNFe/infNFe/det/imposto/ISSQN)"""

    vBC: TDec_1302
    vAliq: TDec_0302a04
    vISSQN: TDec_1302
    cMunFG: TCodMunIBGE
    cListServ: TCListServ
    vDeducao: TDec_1302Opc | None = None
    vOutro: TDec_1302Opc | None = None
    vDescIncond: TDec_1302Opc | None = None
    vDescCond: TDec_1302Opc | None = None
    vISSRet: TDec_1302Opc | None = None
    indISS: IndISS
    cServico: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    cMun: TCodMunIBGE | None = None
    cPais: Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')] | None = None
    nProcesso: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=30)] | None = None
    indIncentivo: IndIncentivo
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('vAliq', 'vAliq', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vISSQN', 'vISSQN', DECIMAL, places=(2,)),
        XmlField('cMunFG', 'cMunFG', TEXT),
        XmlField('cListServ', 'cListServ', TEXT),
        XmlField('vDeducao', 'vDeducao', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vOutro', 'vOutro', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDescIncond', 'vDescIncond', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDescCond', 'vDescCond', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vISSRet', 'vISSRet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('indISS', 'indISS', TEXT),
        XmlField('cServico', 'cServico', TEXT, min_occurs=0),
        XmlField('cMun', 'cMun', TEXT, min_occurs=0),
        XmlField('cPais', 'cPais', TEXT, min_occurs=0),
        XmlField('nProcesso', 'nProcesso', TEXT, min_occurs=0),
        XmlField('indIncentivo', 'indIncentivo', TEXT),
    )


class PIS_PISAliq(XmlModel):
    """Código de Situação Tributária do PIS. 01 – Operação Tributável - Base de Cálculo = Valor da Operação
    Alíquota Normal (Cumulativo/Não Cumulativo); 02 - Operação ... (TNFe/infNFe/det/imposto/PIS/PISAliq)
    """

    CST: CST6
    vBC: TDec_1302
    pPIS: TDec_0302a04
    vPIS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pPIS', 'pPIS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vPIS', 'vPIS', DECIMAL, places=(2,)),
    )


class PIS_PISQtde(XmlModel):
    """Código de Situação Tributária do PIS. 03 - Operação Tributável - Base de Calculo = Quantidade
    Vendida x Alíquota por Unidade de Produto; (TNFe/infNFe/det/imposto/PIS/PISQtde)
    """

    CST: Literal['03'] = '03'
    qBCProd: TDec_1204v
    vAliqProd: TDec_1104v
    vPIS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vPIS', 'vPIS', DECIMAL, places=(2,)),
    )


class PIS_PISNT(XmlModel):
    """Código de Situação Tributária do PIS. 04 - Operação Tributável - Tributação Monofásica - (Alíquota
    Zero); 06 - Operação Tributável - Alíquota Zero; 07 - Operaçã... (TNFe/infNFe/det/imposto/PIS/PISNT)
    """

    CST: CST7
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
    )


class PIS_PISOutr(ConstrainedXmlModel):
    """Código de Situação Tributária do PIS. 99 - Outras Operações. (TNFe/infNFe/det/imposto/PIS/PISOutr)"""

    CST: CST8
    vBC: TDec_1302 | None = None
    pPIS: TDec_0302a04 | None = None
    qBCProd: TDec_1204v | None = None
    vAliqProd: TDec_1104v | None = None
    vPIS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pPIS', 'pPIS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vPIS', 'vPIS', DECIMAL, places=(2,)),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vBC', 'pPIS'), ('qBCProd', 'vAliqProd')), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vBC'] is not None or d['pPIS'] is not None) + (d['qBCProd'] is not None or d['vAliqProd'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_PIS(ConstrainedXmlModel):
    """Dados do PIS (TNFe/infNFe/det/imposto/PIS)"""

    PISAliq: PIS_PISAliq | None = None
    PISQtde: PIS_PISQtde | None = None
    PISNT: PIS_PISNT | None = None
    PISOutr: PIS_PISOutr | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('PISAliq', 'PISAliq', MODEL, model=PIS_PISAliq),
        XmlField('PISQtde', 'PISQtde', MODEL, model=PIS_PISQtde),
        XmlField('PISNT', 'PISNT', MODEL, model=PIS_PISNT),
        XmlField('PISOutr', 'PISOutr', MODEL, model=PIS_PISOutr),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('PISAliq',), ('PISQtde',), ('PISNT',), ('PISOutr',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['PISAliq'] is not None) + (d['PISQtde'] is not None) + (d['PISNT'] is not None) + (d['PISOutr'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_PISST(ConstrainedXmlModel):
    """Dados do PIS Substituição Tributária (TNFe/infNFe/det/imposto/PISST)"""

    vBC: TDec_1302Opc | None = None
    pPIS: TDec_0302a04 | None = None
    qBCProd: TDec_1204 | None = None
    vAliqProd: TDec_1104 | None = None
    vPIS: TDec_1302
    indSomaPISST: IndSomaPISST | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pPIS', 'pPIS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(4,)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(4,)),
        XmlField('vPIS', 'vPIS', DECIMAL, places=(2,)),
        XmlField('indSomaPISST', 'indSomaPISST', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vBC', 'pPIS'), ('qBCProd', 'vAliqProd')), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vBC'] is not None or d['pPIS'] is not None) + (d['qBCProd'] is not None or d['vAliqProd'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class COFINS_COFINSAliq(XmlModel):
    """Código de Situação Tributária do COFINS. 01 – Operação Tributável - Base de Cálculo = Valor da
    Operação Alíquota Normal (Cumulativo/Não Cumulativo); 02 - Operaç...
    (TNFe/infNFe/det/imposto/COFINS/COFINSAliq)
    """

    CST: CST6
    vBC: TDec_1302
    pCOFINS: TDec_0302a04
    vCOFINS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pCOFINS', 'pCOFINS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, places=(2,)),
    )


class COFINS_COFINSQtde(XmlModel):
    """Código de Situação Tributária do COFINS. 03 - Operação Tributável - Base de Calculo = Quantidade
    Vendida x Alíquota por Unidade de Produto; (TNFe/infNFe/det/imposto/COFINS/COFINSQtde)
    """

    CST: Literal['03'] = '03'
    qBCProd: TDec_1204v
    vAliqProd: TDec_1104v
    vCOFINS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, places=(2,)),
    )


class COFINS_COFINSNT(XmlModel):
    """Código de Situação Tributária do COFINS: 04 - Operação Tributável - Tributação Monofásica -
    (Alíquota Zero); 06 - Operação Tributável - Alíquota Zero; 07 - Oper...
    (TNFe/infNFe/det/imposto/COFINS/COFINSNT)
    """

    CST: CST7
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
    )


class COFINS_COFINSOutr(ConstrainedXmlModel):
    """Código de Situação Tributária do COFINS: 49 - Outras Operações de Saída 50 - Operação com Direito a
    Crédito - Vinculada Exclusivamente a Receita Tributada no Me...
    (TNFe/infNFe/det/imposto/COFINS/COFINSOutr)
    """

    CST: CST8
    vBC: TDec_1302 | None = None
    pCOFINS: TDec_0302a04 | None = None
    qBCProd: TDec_1204v | None = None
    vAliqProd: TDec_1104v | None = None
    vCOFINS: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pCOFINS', 'pCOFINS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(0, 1, 2, 3, 4)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, places=(2,)),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vBC', 'pCOFINS'), ('qBCProd', 'vAliqProd')), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vBC'] is not None or d['pCOFINS'] is not None) + (d['qBCProd'] is not None or d['vAliqProd'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_COFINS(ConstrainedXmlModel):
    """Dados do COFINS (TNFe/infNFe/det/imposto/COFINS)"""

    COFINSAliq: COFINS_COFINSAliq | None = None
    COFINSQtde: COFINS_COFINSQtde | None = None
    COFINSNT: COFINS_COFINSNT | None = None
    COFINSOutr: COFINS_COFINSOutr | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('COFINSAliq', 'COFINSAliq', MODEL, model=COFINS_COFINSAliq),
        XmlField('COFINSQtde', 'COFINSQtde', MODEL, model=COFINS_COFINSQtde),
        XmlField('COFINSNT', 'COFINSNT', MODEL, model=COFINS_COFINSNT),
        XmlField('COFINSOutr', 'COFINSOutr', MODEL, model=COFINS_COFINSOutr),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('COFINSAliq',), ('COFINSQtde',), ('COFINSNT',), ('COFINSOutr',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['COFINSAliq'] is not None) + (d['COFINSQtde'] is not None) + (d['COFINSNT'] is not None) + (d['COFINSOutr'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_COFINSST(ConstrainedXmlModel):
    """Dados do COFINS da Substituição Tributaria; (TNFe/infNFe/det/imposto/COFINSST)"""

    vBC: TDec_1302 | None = None
    pCOFINS: TDec_0302a04 | None = None
    qBCProd: TDec_1204 | None = None
    vAliqProd: TDec_1104 | None = None
    vCOFINS: TDec_1302
    indSomaCOFINSST: IndSomaCOFINSST | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('pCOFINS', 'pCOFINS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('qBCProd', 'qBCProd', DECIMAL, places=(4,)),
        XmlField('vAliqProd', 'vAliqProd', DECIMAL, places=(4,)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, places=(2,)),
        XmlField('indSomaCOFINSST', 'indSomaCOFINSST', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vBC', 'pCOFINS'), ('qBCProd', 'vAliqProd')), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vBC'] is not None or d['pCOFINS'] is not None) + (d['qBCProd'] is not None or d['vAliqProd'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class Imposto_ICMSUFDest(XmlModel):
    """Grupo a ser informado nas vendas interestarduais para consumidor final, não contribuinte de ICMS
    (TNFe/infNFe/det/imposto/ICMSUFDest)
    """

    vBCUFDest: TDec_1302
    vBCFCPUFDest: TDec_1302 | None = None
    pFCPUFDest: TDec_0302a04 | None = None
    pICMSUFDest: TDec_0302a04
    pICMSInter: PICMSInter
    pICMSInterPart: TDec_0302a04
    vFCPUFDest: TDec_1302 | None = None
    vICMSUFDest: TDec_1302
    vICMSUFRemet: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCUFDest', 'vBCUFDest', DECIMAL, places=(2,)),
        XmlField('vBCFCPUFDest', 'vBCFCPUFDest', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('pFCPUFDest', 'pFCPUFDest', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('pICMSUFDest', 'pICMSUFDest', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('pICMSInter', 'pICMSInter', TEXT),
        XmlField('pICMSInterPart', 'pICMSInterPart', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vFCPUFDest', 'vFCPUFDest', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSUFDest', 'vICMSUFDest', DECIMAL, places=(2,)),
        XmlField('vICMSUFRemet', 'vICMSUFRemet', DECIMAL, places=(2,)),
    )


class TIS(ConstrainedXmlModel):
    """Grupo de informações do Imposto Seletivo (TIS)"""

    CSTIS: TCST
    cClassTribIS: TcClassTrib
    vBCIS: TDec1302RTC | None = None
    pIS: TDec_0302_04RTC | None = None
    adRemIS: TDec_0302_04RTC | None = None
    uTrib: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=6)] | None = None
    qTrib: TDec_1104OpRTC | None = None
    vIS: TDec1302RTC | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CSTIS', 'CSTIS', TEXT),
        XmlField('cClassTribIS', 'cClassTribIS', TEXT),
        XmlField('vBCIS', 'vBCIS', DECIMAL, places=(2,)),
        XmlField('pIS', 'pIS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('adRemIS', 'adRemIS', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('uTrib', 'uTrib', TEXT),
        XmlField('qTrib', 'qTrib', DECIMAL, places=(4,)),
        XmlField('vIS', 'vIS', DECIMAL, places=(2,)),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('vBCIS', 'pIS', 'adRemIS', 'uTrib', 'qTrib', 'vIS'), ('vBCIS', 'pIS', 'vIS')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['vBCIS'] is not None or d['pIS'] is not None or d['adRemIS'] is not None or d['uTrib'] is not None or d['qTrib'] is not None or d['vIS'] is not None) and not (d['vBCIS'] is not None and d['pIS'] is not None and d['vIS'] is not None):
            sequence_error(self, 0)
        return self


class TDif(XmlModel):
    """Tipo Diferimento (TDif)"""

    pDif: TDec_0302_04RTC
    vDif: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pDif', 'pDif', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vDif', 'vDif', DECIMAL, places=(2,)),
    )


class TDevTrib(XmlModel):
    """Tipo Devolução Tributo (TDevTrib)"""

    pDevTrib: TDec_0302_04RTC | None = None
    vDevTrib: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pDevTrib', 'pDevTrib', DECIMAL, min_occurs=0, places=(0, 2, 3, 4)),
        XmlField('vDevTrib', 'vDevTrib', DECIMAL, places=(2,)),
    )


class TRed(XmlModel):
    """Tipo Redução Base de Cálculo (TRed)"""

    pRedAliq: TDec_0302_04RTC
    pAliqEfet: TDec_0302_04RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pRedAliq', 'pRedAliq', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('pAliqEfet', 'pAliqEfet', DECIMAL, places=(0, 2, 3, 4)),
    )


class TCIBS_NFe_gIBSUF(XmlModel):
    """Grupo de informações do IBS na UF (TCIBS_NFe/gIBSUF)"""

    pIBSUF: TDec_0302_04RTC
    gDif: TDif | None = None
    gDevTrib: TDevTrib | None = None
    gRed: TRed | None = None
    vIBSUF: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pIBSUF', 'pIBSUF', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('gDif', 'gDif', MODEL, min_occurs=0, model=TDif),
        XmlField('gDevTrib', 'gDevTrib', MODEL, min_occurs=0, model=TDevTrib),
        XmlField('gRed', 'gRed', MODEL, min_occurs=0, model=TRed),
        XmlField('vIBSUF', 'vIBSUF', DECIMAL, places=(2,)),
    )


class TCIBS_NFe_gIBSMun(XmlModel):
    """Grupo de Informações do IBS no Município (TCIBS_NFe/gIBSMun)"""

    pIBSMun: TDec_0302_04RTC
    gDif: TDif | None = None
    gDevTrib: TDevTrib | None = None
    gRed: TRed | None = None
    vIBSMun: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pIBSMun', 'pIBSMun', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('gDif', 'gDif', MODEL, min_occurs=0, model=TDif),
        XmlField('gDevTrib', 'gDevTrib', MODEL, min_occurs=0, model=TDevTrib),
        XmlField('gRed', 'gRed', MODEL, min_occurs=0, model=TRed),
        XmlField('vIBSMun', 'vIBSMun', DECIMAL, places=(2,)),
    )


class TALCZFMCBS_NFe(XmlModel):
    """Tipo Operações em áreas incentivadas (ALC/ZFM) - CBS (alíquota zero) (TALCZFMCBS_NFe)"""

    tpALCZFMCBS: TpALCZFMCBS
    nProcSuframa: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=8, max_length=12)] | None = None
    pAliqEfetRegCBS: TDec_0302_04RTC
    vTribRegCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpALCZFMCBS', 'tpALCZFMCBS', TEXT),
        XmlField('nProcSuframa', 'nProcSuframa', TEXT, min_occurs=0),
        XmlField('pAliqEfetRegCBS', 'pAliqEfetRegCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribRegCBS', 'vTribRegCBS', DECIMAL, places=(2,)),
    )


class TCIBS_NFe_gCBS(XmlModel):
    """Grupo de Tributação da CBS (TCIBS_NFe/gCBS)"""

    pCBS: TDec_0302_04RTC
    gDif: TDif | None = None
    gDevTrib: TDevTrib | None = None
    gRed: TRed | None = None
    gALCZFMCBS: TALCZFMCBS_NFe | None = None
    vCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pCBS', 'pCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('gDif', 'gDif', MODEL, min_occurs=0, model=TDif),
        XmlField('gDevTrib', 'gDevTrib', MODEL, min_occurs=0, model=TDevTrib),
        XmlField('gRed', 'gRed', MODEL, min_occurs=0, model=TRed),
        XmlField('gALCZFMCBS', 'gALCZFMCBS', MODEL, min_occurs=0, model=TALCZFMCBS_NFe),
        XmlField('vCBS', 'vCBS', DECIMAL, places=(2,)),
    )


class TTribRegular(XmlModel):
    """Tipo Tributação Regular (TTribRegular)"""

    CSTReg: TCST
    cClassTribReg: TcClassTrib
    pAliqEfetRegIBSUF: TDec_0302_04RTC
    vTribRegIBSUF: TDec1302RTC
    pAliqEfetRegIBSMun: TDec_0302_04RTC
    vTribRegIBSMun: TDec1302RTC
    pAliqEfetRegCBS: TDec_0302_04RTC
    vTribRegCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CSTReg', 'CSTReg', TEXT),
        XmlField('cClassTribReg', 'cClassTribReg', TEXT),
        XmlField('pAliqEfetRegIBSUF', 'pAliqEfetRegIBSUF', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribRegIBSUF', 'vTribRegIBSUF', DECIMAL, places=(2,)),
        XmlField('pAliqEfetRegIBSMun', 'pAliqEfetRegIBSMun', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribRegIBSMun', 'vTribRegIBSMun', DECIMAL, places=(2,)),
        XmlField('pAliqEfetRegCBS', 'pAliqEfetRegCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribRegCBS', 'vTribRegCBS', DECIMAL, places=(2,)),
    )


class TTribCompraGov(XmlModel):
    """Tipo Tributação Compra Governamental (TTribCompraGov)"""

    pAliqIBSUF: TDec_0302_04RTC
    vTribIBSUF: TDec1302RTC
    pAliqIBSMun: TDec_0302_04RTC
    vTribIBSMun: TDec1302RTC
    pAliqCBS: TDec_0302_04RTC
    vTribCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pAliqIBSUF', 'pAliqIBSUF', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribIBSUF', 'vTribIBSUF', DECIMAL, places=(2,)),
        XmlField('pAliqIBSMun', 'pAliqIBSMun', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribIBSMun', 'vTribIBSMun', DECIMAL, places=(2,)),
        XmlField('pAliqCBS', 'pAliqCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vTribCBS', 'vTribCBS', DECIMAL, places=(2,)),
    )


class TCIBS_NFe(XmlModel):
    """Tipo CBS IBS Completo NFe (TCIBS_NFe)"""

    vBC: TDec1302RTC
    gIBSUF: TCIBS_NFe_gIBSUF
    gIBSMun: TCIBS_NFe_gIBSMun
    vIBS: TDec1302RTC
    gCBS: TCIBS_NFe_gCBS
    gTribRegular: TTribRegular | None = None
    gTribCompraGov: TTribCompraGov | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('gIBSUF', 'gIBSUF', MODEL, model=TCIBS_NFe_gIBSUF),
        XmlField('gIBSMun', 'gIBSMun', MODEL, model=TCIBS_NFe_gIBSMun),
        XmlField('vIBS', 'vIBS', DECIMAL, places=(2,)),
        XmlField('gCBS', 'gCBS', MODEL, model=TCIBS_NFe_gCBS),
        XmlField('gTribRegular', 'gTribRegular', MODEL, min_occurs=0, model=TTribRegular),
        XmlField('gTribCompraGov', 'gTribCompraGov', MODEL, min_occurs=0, model=TTribCompraGov),
    )


class GIBSMonoAdRem_gMonoPadrao(XmlModel):
    """Grupo de informações da Tributação Monofásica Padrão (TMonofasia/gIBSMonoAdRem/gMonoPadrao)"""

    qBCMono: TDec1104RTC
    adRemIBS: TDec_0302_04RTC
    vIBSMono: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCMono', 'qBCMono', DECIMAL, places=(4,)),
        XmlField('adRemIBS', 'adRemIBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vIBSMono', 'vIBSMono', DECIMAL, places=(2,)),
    )


class GIBSMonoAdRem_gMonoReten(XmlModel):
    """Grupo de informações da Tributação Monofásica Sujeita à Retenção
    (TMonofasia/gIBSMonoAdRem/gMonoReten)
    """

    qBCMonoReten: TDec1104RTC
    adRemIBSReten: TDec_0302_04RTC
    vIBSMonoReten: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCMonoReten', 'qBCMonoReten', DECIMAL, places=(4,)),
        XmlField('adRemIBSReten', 'adRemIBSReten', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vIBSMonoReten', 'vIBSMonoReten', DECIMAL, places=(2,)),
    )


class GIBSMonoAdRem_gMonoRet(XmlModel):
    """Grupo de informações da Tributação Monofásica Retida Anteriormente
    (TMonofasia/gIBSMonoAdRem/gMonoRet)
    """

    vIBSMonoRet: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBSMonoRet', 'vIBSMonoRet', DECIMAL, places=(2,)),
    )


class GIBSMonoAdRem_gpBioDiferenca(XmlModel):
    """Grupo de informações sobre mistura de EAC com gasolina A em percentual inferior ou superior ao
    obrigatório (TMonofasia/gIBSMonoAdRem/gpBioDiferenca)
    """

    qBCBioComb: TDec1104RTC
    vIBSDiferenca: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCBioComb', 'qBCBioComb', DECIMAL, places=(4,)),
        XmlField('vIBSDiferenca', 'vIBSDiferenca', DECIMAL, places=(2,)),
    )


class GIBSMonoAdRem(XmlModel):
    """Grupo de informações da Tributação Monofásica Ad Rem do IBS (TMonofasia/gIBSMonoAdRem)"""

    gMonoPadrao: GIBSMonoAdRem_gMonoPadrao | None = None
    gMonoReten: GIBSMonoAdRem_gMonoReten | None = None
    gMonoRet: GIBSMonoAdRem_gMonoRet | None = None
    gpBioDiferenca: GIBSMonoAdRem_gpBioDiferenca | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gMonoPadrao', 'gMonoPadrao', MODEL, min_occurs=0, model=GIBSMonoAdRem_gMonoPadrao),
        XmlField('gMonoReten', 'gMonoReten', MODEL, min_occurs=0, model=GIBSMonoAdRem_gMonoReten),
        XmlField('gMonoRet', 'gMonoRet', MODEL, min_occurs=0, model=GIBSMonoAdRem_gMonoRet),
        XmlField('gpBioDiferenca', 'gpBioDiferenca', MODEL, min_occurs=0, model=GIBSMonoAdRem_gpBioDiferenca),
    )


class GIBSMonoAdValorem_gMonoPadrao(XmlModel):
    """Grupo de informações da Tributação Monofásica Padrão (TMonofasia/gIBSMonoAdValorem/gMonoPadrao)"""

    vBCMono: TDec1302RTC
    pAliqMonoUF: TDec_0302_04RTC
    vIBSMonoUF: TDec1302RTC
    pAliqMonoMun: TDec_0302_04RTC
    vIBSMonoMun: TDec1302RTC
    vIBSMono: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCMono', 'vBCMono', DECIMAL, places=(2,)),
        XmlField('pAliqMonoUF', 'pAliqMonoUF', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vIBSMonoUF', 'vIBSMonoUF', DECIMAL, places=(2,)),
        XmlField('pAliqMonoMun', 'pAliqMonoMun', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vIBSMonoMun', 'vIBSMonoMun', DECIMAL, places=(2,)),
        XmlField('vIBSMono', 'vIBSMono', DECIMAL, places=(2,)),
    )


class GIBSMonoAdValorem_gMonoReten(XmlModel):
    """Grupo de informações da Tributação Monofásica Sujeita à Retenção
    (TMonofasia/gIBSMonoAdValorem/gMonoReten)
    """

    vBCMonoReten: TDec1302RTC
    pAliqMonoReten: TDec_0302_04RTC
    vIBSMonoReten: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCMonoReten', 'vBCMonoReten', DECIMAL, places=(2,)),
        XmlField('pAliqMonoReten', 'pAliqMonoReten', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vIBSMonoReten', 'vIBSMonoReten', DECIMAL, places=(2,)),
    )


class GIBSMonoAdValorem_gMonoRet(XmlModel):
    """Grupo de informações da Tributação Monofásica Retida Anteriormente
    (TMonofasia/gIBSMonoAdValorem/gMonoRet)
    """

    vIBSMonoRet: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBSMonoRet', 'vIBSMonoRet', DECIMAL, places=(2,)),
    )


class GIBSMonoAdValorem_gpBioDiferenca(XmlModel):
    """Grupo de informações sobre mistura de EAC com gasolina A em percentual inferior ou superior ao
    obrigatório (TMonofasia/gIBSMonoAdValorem/gpBioDiferenca)
    """

    qBCBioComb: TDec1104RTC
    vIBSDiferenca: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCBioComb', 'qBCBioComb', DECIMAL, places=(4,)),
        XmlField('vIBSDiferenca', 'vIBSDiferenca', DECIMAL, places=(2,)),
    )


class GIBSMonoAdValorem(XmlModel):
    """Grupo de informações da Tributação Monofásica Ad Valorem do IBS (TMonofasia/gIBSMonoAdValorem)"""

    gMonoPadrao: GIBSMonoAdValorem_gMonoPadrao | None = None
    gMonoReten: GIBSMonoAdValorem_gMonoReten | None = None
    gMonoRet: GIBSMonoAdValorem_gMonoRet | None = None
    gpBioDiferenca: GIBSMonoAdValorem_gpBioDiferenca | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gMonoPadrao', 'gMonoPadrao', MODEL, min_occurs=0, model=GIBSMonoAdValorem_gMonoPadrao),
        XmlField('gMonoReten', 'gMonoReten', MODEL, min_occurs=0, model=GIBSMonoAdValorem_gMonoReten),
        XmlField('gMonoRet', 'gMonoRet', MODEL, min_occurs=0, model=GIBSMonoAdValorem_gMonoRet),
        XmlField('gpBioDiferenca', 'gpBioDiferenca', MODEL, min_occurs=0, model=GIBSMonoAdValorem_gpBioDiferenca),
    )


class GCBSMonoAdRem_gMonoPadrao(XmlModel):
    """Grupo de informações da Tributação Monofásica Padrão (TMonofasia/gCBSMonoAdRem/gMonoPadrao)"""

    qBCMono: TDec1104RTC
    adRemCBS: TDec_0302_04RTC
    vCBSMono: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCMono', 'qBCMono', DECIMAL, places=(4,)),
        XmlField('adRemCBS', 'adRemCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCBSMono', 'vCBSMono', DECIMAL, places=(2,)),
    )


class GCBSMonoAdRem_gMonoReten(XmlModel):
    """Grupo de informações da Tributação Monofásica Sujeita à Retenção
    (TMonofasia/gCBSMonoAdRem/gMonoReten)
    """

    qBCMonoReten: TDec1104RTC
    adRemCBSReten: TDec_0302_04RTC
    vCBSMonoReten: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCMonoReten', 'qBCMonoReten', DECIMAL, places=(4,)),
        XmlField('adRemCBSReten', 'adRemCBSReten', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCBSMonoReten', 'vCBSMonoReten', DECIMAL, places=(2,)),
    )


class GCBSMonoAdRem_gMonoRet(XmlModel):
    """Grupo de informações da Tributação Monofásica Retida Anteriormente
    (TMonofasia/gCBSMonoAdRem/gMonoRet)
    """

    vCBSMonoRet: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vCBSMonoRet', 'vCBSMonoRet', DECIMAL, places=(2,)),
    )


class GCBSMonoAdRem_gpBioDiferenca(XmlModel):
    """Grupo de informações sobre mistura de EAC com gasolina A em percentual inferior ou superior ao
    obrigatório (TMonofasia/gCBSMonoAdRem/gpBioDiferenca)
    """

    qBCBioComb: TDec1104RTC
    vCBSDiferenca: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCBioComb', 'qBCBioComb', DECIMAL, places=(4,)),
        XmlField('vCBSDiferenca', 'vCBSDiferenca', DECIMAL, places=(2,)),
    )


class GCBSMonoAdRem(XmlModel):
    """Grupo de informações da Tributação Monofásica Ad Rem da CBS (TMonofasia/gCBSMonoAdRem)"""

    gMonoPadrao: GCBSMonoAdRem_gMonoPadrao | None = None
    gMonoReten: GCBSMonoAdRem_gMonoReten | None = None
    gMonoRet: GCBSMonoAdRem_gMonoRet | None = None
    gpBioDiferenca: GCBSMonoAdRem_gpBioDiferenca | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gMonoPadrao', 'gMonoPadrao', MODEL, min_occurs=0, model=GCBSMonoAdRem_gMonoPadrao),
        XmlField('gMonoReten', 'gMonoReten', MODEL, min_occurs=0, model=GCBSMonoAdRem_gMonoReten),
        XmlField('gMonoRet', 'gMonoRet', MODEL, min_occurs=0, model=GCBSMonoAdRem_gMonoRet),
        XmlField('gpBioDiferenca', 'gpBioDiferenca', MODEL, min_occurs=0, model=GCBSMonoAdRem_gpBioDiferenca),
    )


class GCBSMonoAdValorem_gMonoPadrao(XmlModel):
    """Grupo de informações da Tributação Monofásica Padrão (TMonofasia/gCBSMonoAdValorem/gMonoPadrao)"""

    vBCMono: TDec1302RTC
    pAliqMonoCBS: TDec_0302_04RTC
    vCBSMono: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCMono', 'vBCMono', DECIMAL, places=(2,)),
        XmlField('pAliqMonoCBS', 'pAliqMonoCBS', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCBSMono', 'vCBSMono', DECIMAL, places=(2,)),
    )


class GCBSMonoAdValorem_gMonoReten(XmlModel):
    """Grupo de informações da Tributação Monofásica Sujeita à Retenção
    (TMonofasia/gCBSMonoAdValorem/gMonoReten)
    """

    vBCMonoReten: TDec1302RTC
    pAliqMonoReten: TDec_0302_04RTC
    vCBSMonoReten: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCMonoReten', 'vBCMonoReten', DECIMAL, places=(2,)),
        XmlField('pAliqMonoReten', 'pAliqMonoReten', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCBSMonoReten', 'vCBSMonoReten', DECIMAL, places=(2,)),
    )


class GCBSMonoAdValorem_gMonoRet(XmlModel):
    """Grupo de informações da Tributação Monofásica Retida Anteriormente
    (TMonofasia/gCBSMonoAdValorem/gMonoRet)
    """

    vCBSMonoRet: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vCBSMonoRet', 'vCBSMonoRet', DECIMAL, places=(2,)),
    )


class GCBSMonoAdValorem_gpBioDiferenca(XmlModel):
    """Grupo de informações sobre mistura de EAC com gasolina A em percentual inferior ou superior ao
    obrigatório (TMonofasia/gCBSMonoAdValorem/gpBioDiferenca)
    """

    qBCBioComb: TDec1104RTC
    vCBSDiferenca: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qBCBioComb', 'qBCBioComb', DECIMAL, places=(4,)),
        XmlField('vCBSDiferenca', 'vCBSDiferenca', DECIMAL, places=(2,)),
    )


class GCBSMonoAdValorem(XmlModel):
    """Grupo de informações da Tributação Monofásica Ad Valorem da CBS (TMonofasia/gCBSMonoAdValorem)"""

    gMonoPadrao: GCBSMonoAdValorem_gMonoPadrao | None = None
    gMonoReten: GCBSMonoAdValorem_gMonoReten | None = None
    gMonoRet: GCBSMonoAdValorem_gMonoRet | None = None
    gpBioDiferenca: GCBSMonoAdValorem_gpBioDiferenca | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gMonoPadrao', 'gMonoPadrao', MODEL, min_occurs=0, model=GCBSMonoAdValorem_gMonoPadrao),
        XmlField('gMonoReten', 'gMonoReten', MODEL, min_occurs=0, model=GCBSMonoAdValorem_gMonoReten),
        XmlField('gMonoRet', 'gMonoRet', MODEL, min_occurs=0, model=GCBSMonoAdValorem_gMonoRet),
        XmlField('gpBioDiferenca', 'gpBioDiferenca', MODEL, min_occurs=0, model=GCBSMonoAdValorem_gpBioDiferenca),
    )


class TMonofasia(ConstrainedXmlModel):
    """Grupo de Informações do IBS e CBS em operações com imposto monofásico (CST 620) (TMonofasia)"""

    gIBSMonoAdRem: GIBSMonoAdRem | None = None
    gIBSMonoAdValorem: GIBSMonoAdValorem | None = None
    gCBSMonoAdRem: GCBSMonoAdRem | None = None
    gCBSMonoAdValorem: GCBSMonoAdValorem | None = None
    vTotIBSMonoItem: TDec1302RTC
    vTotCBSMonoItem: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gIBSMonoAdRem', 'gIBSMonoAdRem', MODEL, min_occurs=0, model=GIBSMonoAdRem),
        XmlField('gIBSMonoAdValorem', 'gIBSMonoAdValorem', MODEL, min_occurs=0, model=GIBSMonoAdValorem),
        XmlField('gCBSMonoAdRem', 'gCBSMonoAdRem', MODEL, min_occurs=0, model=GCBSMonoAdRem),
        XmlField('gCBSMonoAdValorem', 'gCBSMonoAdValorem', MODEL, min_occurs=0, model=GCBSMonoAdValorem),
        XmlField('vTotIBSMonoItem', 'vTotIBSMonoItem', DECIMAL, places=(2,)),
        XmlField('vTotCBSMonoItem', 'vTotCBSMonoItem', DECIMAL, places=(2,)),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('gIBSMonoAdRem',), ('gIBSMonoAdValorem',)), False),
        XmlChoice((('gCBSMonoAdRem',), ('gCBSMonoAdValorem',)), False),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('gIBSMonoAdRem', 'gIBSMonoAdValorem'), ()),
        XmlSequence(('gCBSMonoAdRem', 'gCBSMonoAdValorem'), ()),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['gIBSMonoAdRem'] is not None) + (d['gIBSMonoAdValorem'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        n = (d['gCBSMonoAdRem'] is not None) + (d['gCBSMonoAdValorem'] is not None)
        if n > 1:
            choice_error(self, 1, n)
        return self


class TTransfCred(XmlModel):
    """Tipo Transferência de Crédito (TTransfCred)"""

    vIBS: TDec1302RTC
    vCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBS', 'vIBS', DECIMAL, places=(2,)),
        XmlField('vCBS', 'vCBS', DECIMAL, places=(2,)),
    )


class TAjusteCompet(XmlModel):
    """Tipo Ajuste de Competência (TAjusteCompet)"""

    competApur: TCompetApur
    vIBS: TDec1302RTC
    vCBS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('competApur', 'competApur', TEXT),
        XmlField('vIBS', 'vIBS', DECIMAL, places=(2,)),
        XmlField('vCBS', 'vCBS', DECIMAL, places=(2,)),
    )


class TEstornoCred(XmlModel):
    """Tipo Estorno de Crédito (TEstornoCred)"""

    vIBSEstCred: TDec1302RTC
    vCBSEstCred: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBSEstCred', 'vIBSEstCred', DECIMAL, places=(2,)),
        XmlField('vCBSEstCred', 'vCBSEstCred', DECIMAL, places=(2,)),
    )


class TCredPres(ConstrainedXmlModel):
    """Tipo Crédito Presumido (TCredPres)"""

    pCredPres: TDec_0302_04RTC
    vCredPres: TDec1302RTC | None = None
    vCredPresCondSus: TDec1302RTC | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pCredPres', 'pCredPres', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vCredPres', 'vCredPres', DECIMAL, places=(2,)),
        XmlField('vCredPresCondSus', 'vCredPresCondSus', DECIMAL, places=(2,)),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('vCredPres',), ('vCredPresCondSus',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['vCredPres'] is not None) + (d['vCredPresCondSus'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TCredPresOper(XmlModel):
    """Tipo Crédito Presumido da Operação (TCredPresOper)"""

    vBCCredPres: TDec1302RTC
    cCredPres: TcCredPres
    gIBSCredPres: TCredPres | None = None
    gCBSCredPres: TCredPres | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCCredPres', 'vBCCredPres', DECIMAL, places=(2,)),
        XmlField('cCredPres', 'cCredPres', TEXT),
        XmlField('gIBSCredPres', 'gIBSCredPres', MODEL, min_occurs=0, model=TCredPres),
        XmlField('gCBSCredPres', 'gCBSCredPres', MODEL, min_occurs=0, model=TCredPres),
    )


class TCredPresIBSZFM(XmlModel):
    """Tipo Informações do crédito presumido de IBS para fornecimentos a partir da ZFM (TCredPresIBSZFM)"""

    competApur: TCompetApur
    tpCredPresIBSZFM: TTpCredPresIBSZFM
    vCredPresIBSZFM: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('competApur', 'competApur', TEXT),
        XmlField('tpCredPresIBSZFM', 'tpCredPresIBSZFM', TEXT),
        XmlField('vCredPresIBSZFM', 'vCredPresIBSZFM', DECIMAL, places=(2,)),
    )


class TTribNFe(ConstrainedXmlModel):
    """Grupo de informações da Tributação da NFe (TTribNFe)"""

    CST: TCST
    cClassTrib: TcClassTrib
    indDoacao: Literal['1'] | None = None
    gIBSCBS: TCIBS_NFe | None = None
    gIBSCBSMono: TMonofasia | None = None
    gTransfCred: TTransfCred | None = None
    gAjusteCompet: TAjusteCompet | None = None
    gEstornoCred: TEstornoCred | None = None
    gCredPresOper: TCredPresOper | None = None
    gCredPresIBSZFM: TCredPresIBSZFM | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CST', 'CST', TEXT),
        XmlField('cClassTrib', 'cClassTrib', TEXT),
        XmlField('indDoacao', 'indDoacao', TEXT, min_occurs=0),
        XmlField('gIBSCBS', 'gIBSCBS', MODEL, model=TCIBS_NFe),
        XmlField('gIBSCBSMono', 'gIBSCBSMono', MODEL, model=TMonofasia),
        XmlField('gTransfCred', 'gTransfCred', MODEL, model=TTransfCred),
        XmlField('gAjusteCompet', 'gAjusteCompet', MODEL, model=TAjusteCompet),
        XmlField('gEstornoCred', 'gEstornoCred', MODEL, min_occurs=0, model=TEstornoCred),
        XmlField('gCredPresOper', 'gCredPresOper', MODEL, model=TCredPresOper),
        XmlField('gCredPresIBSZFM', 'gCredPresIBSZFM', MODEL, model=TCredPresIBSZFM),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('gIBSCBS',), ('gIBSCBSMono',), ('gTransfCred',), ('gAjusteCompet',)), False),
        XmlChoice((('gCredPresOper',), ('gCredPresIBSZFM',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['gIBSCBS'] is not None) + (d['gIBSCBSMono'] is not None) + (d['gTransfCred'] is not None) + (d['gAjusteCompet'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        n = (d['gCredPresOper'] is not None) + (d['gCredPresIBSZFM'] is not None)
        if n > 1:
            choice_error(self, 1, n)
        return self


class Imposto(ConstrainedXmlModel):
    """Tributos incidentes nos produtos ou serviços da NF-e (TNFe/infNFe/det/imposto)"""

    vTotTrib: TDec_1302 | None = None
    ICMS: Imposto_ICMS | None = None
    IPI: TIpi | None = None
    II: Imposto_II | None = None
    ISSQN: Imposto_ISSQN | None = None
    PIS: Imposto_PIS | None = None
    PISST: Imposto_PISST | None = None
    COFINS: Imposto_COFINS | None = None
    COFINSST: Imposto_COFINSST | None = None
    ICMSUFDest: Imposto_ICMSUFDest | None = None
    IS: TIS | None = None
    IBSCBS: TTribNFe | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vTotTrib', 'vTotTrib', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('ICMS', 'ICMS', MODEL, model=Imposto_ICMS),
        XmlField('IPI', 'IPI', MODEL, min_occurs=0, model=TIpi),
        XmlField('II', 'II', MODEL, min_occurs=0, model=Imposto_II),
        XmlField('ISSQN', 'ISSQN', MODEL, model=Imposto_ISSQN),
        XmlField('PIS', 'PIS', MODEL, min_occurs=0, model=Imposto_PIS),
        XmlField('PISST', 'PISST', MODEL, min_occurs=0, model=Imposto_PISST),
        XmlField('COFINS', 'COFINS', MODEL, min_occurs=0, model=Imposto_COFINS),
        XmlField('COFINSST', 'COFINSST', MODEL, min_occurs=0, model=Imposto_COFINSST),
        XmlField('ICMSUFDest', 'ICMSUFDest', MODEL, min_occurs=0, model=Imposto_ICMSUFDest),
        XmlField('IS', 'IS', MODEL, min_occurs=0, model=TIS),
        XmlField('IBSCBS', 'IBSCBS', MODEL, min_occurs=0, model=TTribNFe),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('ICMS', 'II'), ('ISSQN',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['ICMS'] is not None or d['II'] is not None) + (d['ISSQN'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class ImpostoDevol_IPI(XmlModel):
    """Informação de IPI devolvido (TNFe/infNFe/det/impostoDevol/IPI)"""

    vIPIDevol: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIPIDevol', 'vIPIDevol', DECIMAL, places=(2,)),
    )


class ImpostoDevol(XmlModel):
    """TNFe/infNFe/det/impostoDevol"""

    pDevol: TDec_0302Max100
    IPI: ImpostoDevol_IPI
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('pDevol', 'pDevol', DECIMAL, places=(2,)),
        XmlField('IPI', 'IPI', MODEL, model=ImpostoDevol_IPI),
    )


class ObsItem_obsCont(XmlModel):
    """Grupo de observações de uso livre (para o item da NF-e) (TNFe/infNFe/det/obsItem/obsCont)"""

    xTexto: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCampo: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xTexto', 'xTexto', TEXT),
        XmlField('xCampo', 'xCampo', TEXT, attribute=True),
    )


class ObsItem_obsFisco(XmlModel):
    """Grupo de observações de uso livre (para o item da NF-e) (TNFe/infNFe/det/obsItem/obsFisco)"""

    xTexto: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCampo: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xTexto', 'xTexto', TEXT),
        XmlField('xCampo', 'xCampo', TEXT, attribute=True),
    )


class ObsItem(XmlModel):
    """Grupo de observações de uso livre (para o item da NF-e) (TNFe/infNFe/det/obsItem)"""

    obsCont: ObsItem_obsCont | None = None
    obsFisco: ObsItem_obsFisco | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('obsCont', 'obsCont', MODEL, min_occurs=0, model=ObsItem_obsCont),
        XmlField('obsFisco', 'obsFisco', MODEL, min_occurs=0, model=ObsItem_obsFisco),
    )


class Det_DFeReferenciado(XmlModel):
    """Referenciamento de item de outros DFe (TNFe/infNFe/det/DFeReferenciado)"""

    chaveAcesso: TChNFe
    nItem: Annotated[str, Field(pattern='^(?:[1-9]{1}[0-9]{0,1}|[1-8]{1}[0-9]{2}|[9]{1}[0-8]{1}[0-9]{1}|[9]{1}[9]{1}[0]{1})$')] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('chaveAcesso', 'chaveAcesso', TEXT),
        XmlField('nItem', 'nItem', TEXT, min_occurs=0),
    )


class Det(XmlModel):
    """Dados dos detalhes da NF-e (TNFe/infNFe/det)"""

    prod: Prod
    imposto: Imposto
    impostoDevol: ImpostoDevol | None = None
    infAdProd: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=500)] | None = None
    obsItem: ObsItem | None = None
    vItem: TDec_1302 | None = None
    DFeReferenciado: Det_DFeReferenciado | None = None
    nItem: Annotated[str, Field(pattern='^(?:[1-9]{1}[0-9]{0,1}|[1-8]{1}[0-9]{2}|[9]{1}[0-8]{1}[0-9]{1}|[9]{1}[9]{1}[0]{1})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('prod', 'prod', MODEL, model=Prod),
        XmlField('imposto', 'imposto', MODEL, model=Imposto),
        XmlField('impostoDevol', 'impostoDevol', MODEL, min_occurs=0, model=ImpostoDevol),
        XmlField('infAdProd', 'infAdProd', TEXT, min_occurs=0),
        XmlField('obsItem', 'obsItem', MODEL, min_occurs=0, model=ObsItem),
        XmlField('vItem', 'vItem', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('DFeReferenciado', 'DFeReferenciado', MODEL, min_occurs=0, model=Det_DFeReferenciado),
        XmlField('nItem', 'nItem', TEXT, attribute=True),
    )


class Total_ICMSTot(XmlModel):
    """Totais referentes ao ICMS (TNFe/infNFe/total/ICMSTot)"""

    vBC: TDec_1302
    vICMS: TDec_1302
    vICMSDeson: TDec_1302
    vFCPUFDest: TDec_1302 | None = None
    vICMSUFDest: TDec_1302 | None = None
    vICMSUFRemet: TDec_1302 | None = None
    vFCP: TDec_1302
    vBCST: TDec_1302
    vST: TDec_1302
    vFCPST: TDec_1302
    vFCPSTRet: TDec_1302
    qBCMono: TDec_1302 | None = None
    vICMSMono: TDec_1302 | None = None
    qBCMonoReten: TDec_1302 | None = None
    vICMSMonoReten: TDec_1302 | None = None
    qBCMonoRet: TDec_1302 | None = None
    vICMSMonoRet: TDec_1302 | None = None
    vProd: TDec_1302
    vFrete: TDec_1302
    vSeg: TDec_1302
    vDesc: TDec_1302
    vII: TDec_1302
    vIPI: TDec_1302
    vIPIDevol: TDec_1302
    vPIS: TDec_1302
    vCOFINS: TDec_1302
    vOutro: TDec_1302
    vNF: TDec_1302
    vTotTrib: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBC', 'vBC', DECIMAL, places=(2,)),
        XmlField('vICMS', 'vICMS', DECIMAL, places=(2,)),
        XmlField('vICMSDeson', 'vICMSDeson', DECIMAL, places=(2,)),
        XmlField('vFCPUFDest', 'vFCPUFDest', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSUFDest', 'vICMSUFDest', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSUFRemet', 'vICMSUFRemet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vFCP', 'vFCP', DECIMAL, places=(2,)),
        XmlField('vBCST', 'vBCST', DECIMAL, places=(2,)),
        XmlField('vST', 'vST', DECIMAL, places=(2,)),
        XmlField('vFCPST', 'vFCPST', DECIMAL, places=(2,)),
        XmlField('vFCPSTRet', 'vFCPSTRet', DECIMAL, places=(2,)),
        XmlField('qBCMono', 'qBCMono', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSMono', 'vICMSMono', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('qBCMonoReten', 'qBCMonoReten', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSMonoReten', 'vICMSMonoReten', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('qBCMonoRet', 'qBCMonoRet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vICMSMonoRet', 'vICMSMonoRet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vProd', 'vProd', DECIMAL, places=(2,)),
        XmlField('vFrete', 'vFrete', DECIMAL, places=(2,)),
        XmlField('vSeg', 'vSeg', DECIMAL, places=(2,)),
        XmlField('vDesc', 'vDesc', DECIMAL, places=(2,)),
        XmlField('vII', 'vII', DECIMAL, places=(2,)),
        XmlField('vIPI', 'vIPI', DECIMAL, places=(2,)),
        XmlField('vIPIDevol', 'vIPIDevol', DECIMAL, places=(2,)),
        XmlField('vPIS', 'vPIS', DECIMAL, places=(2,)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, places=(2,)),
        XmlField('vOutro', 'vOutro', DECIMAL, places=(2,)),
        XmlField('vNF', 'vNF', DECIMAL, places=(2,)),
        XmlField('vTotTrib', 'vTotTrib', DECIMAL, min_occurs=0, places=(2,)),
    )


class Total_ISSQNtot(XmlModel):
    """Totais referentes ao ISSQN (TNFe/infNFe/total/ISSQNtot)"""

    vServ: TDec_1302Opc | None = None
    vBC: TDec_1302Opc | None = None
    vISS: TDec_1302Opc | None = None
    vPIS: TDec_1302Opc | None = None
    vCOFINS: TDec_1302Opc | None = None
    dCompet: TData
    vDeducao: TDec_1302Opc | None = None
    vOutro: TDec_1302Opc | None = None
    vDescIncond: TDec_1302Opc | None = None
    vDescCond: TDec_1302Opc | None = None
    vISSRet: TDec_1302Opc | None = None
    cRegTrib: CRegTrib | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vServ', 'vServ', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vBC', 'vBC', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vISS', 'vISS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vPIS', 'vPIS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vCOFINS', 'vCOFINS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('dCompet', 'dCompet', TEXT),
        XmlField('vDeducao', 'vDeducao', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vOutro', 'vOutro', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDescIncond', 'vDescIncond', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDescCond', 'vDescCond', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vISSRet', 'vISSRet', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('cRegTrib', 'cRegTrib', TEXT, min_occurs=0),
    )


class RetTrib(XmlModel):
    """Retenção de Tributos Federais (TNFe/infNFe/total/retTrib)"""

    vRetPIS: TDec_1302Opc | None = None
    vRetCOFINS: TDec_1302Opc | None = None
    vRetCSLL: TDec_1302Opc | None = None
    vBCIRRF: TDec_1302Opc | None = None
    vIRRF: TDec_1302Opc | None = None
    vBCRetPrev: TDec_1302Opc | None = None
    vRetPrev: TDec_1302Opc | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vRetPIS', 'vRetPIS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vRetCOFINS', 'vRetCOFINS', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vRetCSLL', 'vRetCSLL', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vBCIRRF', 'vBCIRRF', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vIRRF', 'vIRRF', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vBCRetPrev', 'vBCRetPrev', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vRetPrev', 'vRetPrev', DECIMAL, min_occurs=0, places=(2,)),
    )


class TISTot(XmlModel):
    """Grupo de informações de totais do Imposto Seletivo (TISTot)"""

    vIS: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIS', 'vIS', DECIMAL, places=(2,)),
    )


class GIBS_gIBSUF(XmlModel):
    """Totalização do IBS de competência da UF (TIBSCBSMonoTot/gIBS/gIBSUF)"""

    vDif: TDec1302RTC
    vDevTrib: TDec1302RTC
    vIBSUF: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vDif', 'vDif', DECIMAL, places=(2,)),
        XmlField('vDevTrib', 'vDevTrib', DECIMAL, places=(2,)),
        XmlField('vIBSUF', 'vIBSUF', DECIMAL, places=(2,)),
    )


class GIBS_gIBSMun(XmlModel):
    """Totalização do IBS de competência Municipal (TIBSCBSMonoTot/gIBS/gIBSMun)"""

    vDif: TDec1302RTC
    vDevTrib: TDec1302RTC
    vIBSMun: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vDif', 'vDif', DECIMAL, places=(2,)),
        XmlField('vDevTrib', 'vDevTrib', DECIMAL, places=(2,)),
        XmlField('vIBSMun', 'vIBSMun', DECIMAL, places=(2,)),
    )


class GIBS(XmlModel):
    """Totalização do IBS (TIBSCBSMonoTot/gIBS)"""

    gIBSUF: GIBS_gIBSUF
    gIBSMun: GIBS_gIBSMun
    vIBS: TDec1302RTC
    vCredPres: TDec1302RTC
    vCredPresCondSus: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('gIBSUF', 'gIBSUF', MODEL, model=GIBS_gIBSUF),
        XmlField('gIBSMun', 'gIBSMun', MODEL, model=GIBS_gIBSMun),
        XmlField('vIBS', 'vIBS', DECIMAL, places=(2,)),
        XmlField('vCredPres', 'vCredPres', DECIMAL, places=(2,)),
        XmlField('vCredPresCondSus', 'vCredPresCondSus', DECIMAL, places=(2,)),
    )


class TIBSCBSMonoTot_gCBS(XmlModel):
    """Totalização da CBS (TIBSCBSMonoTot/gCBS)"""

    vDif: TDec1302RTC
    vDevTrib: TDec1302RTC
    vCBS: TDec1302RTC
    vCredPres: TDec1302RTC
    vCredPresCondSus: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vDif', 'vDif', DECIMAL, places=(2,)),
        XmlField('vDevTrib', 'vDevTrib', DECIMAL, places=(2,)),
        XmlField('vCBS', 'vCBS', DECIMAL, places=(2,)),
        XmlField('vCredPres', 'vCredPres', DECIMAL, places=(2,)),
        XmlField('vCredPresCondSus', 'vCredPresCondSus', DECIMAL, places=(2,)),
    )


class GMono(XmlModel):
    """Totais da Monofasia (TIBSCBSMonoTot/gMono)"""

    vIBSMono: TDec1302RTC
    vCBSMono: TDec1302RTC
    vIBSMonoReten: TDec1302RTC
    vCBSMonoReten: TDec1302RTC
    vIBSMonoRet: TDec1302RTC
    vCBSMonoRet: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBSMono', 'vIBSMono', DECIMAL, places=(2,)),
        XmlField('vCBSMono', 'vCBSMono', DECIMAL, places=(2,)),
        XmlField('vIBSMonoReten', 'vIBSMonoReten', DECIMAL, places=(2,)),
        XmlField('vCBSMonoReten', 'vCBSMonoReten', DECIMAL, places=(2,)),
        XmlField('vIBSMonoRet', 'vIBSMonoRet', DECIMAL, places=(2,)),
        XmlField('vCBSMonoRet', 'vCBSMonoRet', DECIMAL, places=(2,)),
    )


class GEstornoCred(XmlModel):
    """Totalização do estorno de crédito (TIBSCBSMonoTot/gEstornoCred)"""

    vIBSEstCred: TDec1302RTC
    vCBSEstCred: TDec1302RTC
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vIBSEstCred', 'vIBSEstCred', DECIMAL, places=(2,)),
        XmlField('vCBSEstCred', 'vCBSEstCred', DECIMAL, places=(2,)),
    )


class TIBSCBSMonoTot(XmlModel):
    """Grupo de informações de totais da CBS/IBS com monofasia (TIBSCBSMonoTot)"""

    vBCIBSCBS: TDec1302RTC
    gIBS: GIBS | None = None
    gCBS: TIBSCBSMonoTot_gCBS | None = None
    gMono: GMono | None = None
    gEstornoCred: GEstornoCred | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vBCIBSCBS', 'vBCIBSCBS', DECIMAL, places=(2,)),
        XmlField('gIBS', 'gIBS', MODEL, min_occurs=0, model=GIBS),
        XmlField('gCBS', 'gCBS', MODEL, min_occurs=0, model=TIBSCBSMonoTot_gCBS),
        XmlField('gMono', 'gMono', MODEL, min_occurs=0, model=GMono),
        XmlField('gEstornoCred', 'gEstornoCred', MODEL, min_occurs=0, model=GEstornoCred),
    )


class Total(XmlModel):
    """Dados dos totais da NF-e (TNFe/infNFe/total)"""

    ICMSTot: Total_ICMSTot
    ISSQNtot: Total_ISSQNtot | None = None
    retTrib: RetTrib | None = None
    ISTot: TISTot | None = None
    IBSCBSTot: TIBSCBSMonoTot | None = None
    vNFTot: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('ICMSTot', 'ICMSTot', MODEL, model=Total_ICMSTot),
        XmlField('ISSQNtot', 'ISSQNtot', MODEL, min_occurs=0, model=Total_ISSQNtot),
        XmlField('retTrib', 'retTrib', MODEL, min_occurs=0, model=RetTrib),
        XmlField('ISTot', 'ISTot', MODEL, min_occurs=0, model=TISTot),
        XmlField('IBSCBSTot', 'IBSCBSTot', MODEL, min_occurs=0, model=TIBSCBSMonoTot),
        XmlField('vNFTot', 'vNFTot', DECIMAL, min_occurs=0, places=(2,)),
    )


class Transporta(ConstrainedXmlModel):
    """Dados do transportador (TNFe/infNFe/transp/transporta)"""

    CNPJ: TCnpj | None = None
    CPF: TCpf | None = None
    xNome: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    IE: TIeDest | None = None
    xEnder: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    xMun: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    UF: TUf | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('xNome', 'xNome', TEXT, min_occurs=0),
        XmlField('IE', 'IE', TEXT, min_occurs=0),
        XmlField('xEnder', 'xEnder', TEXT, min_occurs=0),
        XmlField('xMun', 'xMun', TEXT, min_occurs=0),
        XmlField('UF', 'UF', TEXT, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class RetTransp(XmlModel):
    """Dados da retenção ICMS do Transporte (TNFe/infNFe/transp/retTransp)"""

    vServ: TDec_1302
    vBCRet: TDec_1302
    pICMSRet: TDec_0302a04
    vICMSRet: TDec_1302
    CFOP: Annotated[str, Field(pattern='^(?:[1,2,3,5,6,7]{1}[0-9]{3})$')]
    cMunFG: TCodMunIBGE
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('vServ', 'vServ', DECIMAL, places=(2,)),
        XmlField('vBCRet', 'vBCRet', DECIMAL, places=(2,)),
        XmlField('pICMSRet', 'pICMSRet', DECIMAL, places=(0, 2, 3, 4)),
        XmlField('vICMSRet', 'vICMSRet', DECIMAL, places=(2,)),
        XmlField('CFOP', 'CFOP', TEXT),
        XmlField('cMunFG', 'cMunFG', TEXT),
    )


class TVeiculo(XmlModel):
    """Tipo Dados do Veículo (TVeiculo)"""

    placa: Annotated[str, Field(pattern='^(?:[A-Z]{2,3}[0-9]{4}|[A-Z]{3,4}[0-9]{3}|[A-Z0-9]{7})$')]
    UF: TUf | None = None
    RNTC: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('placa', 'placa', TEXT),
        XmlField('UF', 'UF', TEXT, min_occurs=0),
        XmlField('RNTC', 'RNTC', TEXT, min_occurs=0),
    )


class Lacres(XmlModel):
    """TNFe/infNFe/transp/vol/lacres"""

    nLacre: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nLacre', 'nLacre', TEXT),
    )


class Vol(XmlModel):
    """Dados dos volumes (TNFe/infNFe/transp/vol)"""

    qVol: Annotated[str, Field(pattern='^(?:[0-9]{1,15})$')] | None = None
    esp: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    marca: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    nVol: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    pesoL: TDec_1203 | None = None
    pesoB: TDec_1203 | None = None
    lacres: list[Lacres] = Field(default_factory=list, max_length=5000)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qVol', 'qVol', TEXT, min_occurs=0),
        XmlField('esp', 'esp', TEXT, min_occurs=0),
        XmlField('marca', 'marca', TEXT, min_occurs=0),
        XmlField('nVol', 'nVol', TEXT, min_occurs=0),
        XmlField('pesoL', 'pesoL', DECIMAL, min_occurs=0, places=(3,)),
        XmlField('pesoB', 'pesoB', DECIMAL, min_occurs=0, places=(3,)),
        XmlField('lacres', 'lacres', MODEL, min_occurs=0, max_occurs=5000, model=Lacres),
    )


class Transp(ConstrainedXmlModel):
    """Dados dos transportes da NF-e (TNFe/infNFe/transp)"""

    modFrete: ModFrete
    transporta: Transporta | None = None
    retTransp: RetTransp | None = None
    veicTransp: TVeiculo | None = None
    reboque: list[TVeiculo] = Field(default_factory=list, max_length=5)
    vagao: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    balsa: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)] | None = None
    vol: list[Vol] = Field(default_factory=list, max_length=5000)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('modFrete', 'modFrete', TEXT),
        XmlField('transporta', 'transporta', MODEL, min_occurs=0, model=Transporta),
        XmlField('retTransp', 'retTransp', MODEL, min_occurs=0, model=RetTransp),
        XmlField('veicTransp', 'veicTransp', MODEL, min_occurs=0, model=TVeiculo),
        XmlField('reboque', 'reboque', MODEL, min_occurs=0, max_occurs=5, model=TVeiculo),
        XmlField('vagao', 'vagao', TEXT, min_occurs=0),
        XmlField('balsa', 'balsa', TEXT, min_occurs=0),
        XmlField('vol', 'vol', MODEL, min_occurs=0, max_occurs=5000, model=Vol),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('veicTransp', 'reboque'), ('vagao',), ('balsa',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['veicTransp'] is not None or bool(d['reboque'])) + (d['vagao'] is not None) + (d['balsa'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class Fat(XmlModel):
    """Dados da fatura (TNFe/infNFe/cobr/fat)"""

    nFat: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    vOrig: TDec_1302 | None = None
    vDesc: TDec_1302 | None = None
    vLiq: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nFat', 'nFat', TEXT, min_occurs=0),
        XmlField('vOrig', 'vOrig', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vDesc', 'vDesc', DECIMAL, min_occurs=0, places=(2,)),
        XmlField('vLiq', 'vLiq', DECIMAL, min_occurs=0, places=(2,)),
    )


class Dup(XmlModel):
    """Dados das duplicatas NT 2011/004 (TNFe/infNFe/cobr/dup)"""

    nDup: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    dVenc: TData | None = None
    vDup: TDec_1302Opc
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nDup', 'nDup', TEXT, min_occurs=0),
        XmlField('dVenc', 'dVenc', TEXT, min_occurs=0),
        XmlField('vDup', 'vDup', DECIMAL, places=(2,)),
    )


class Cobr(XmlModel):
    """Dados da cobrança da NF-e (TNFe/infNFe/cobr)"""

    fat: Fat | None = None
    dup: list[Dup] = Field(default_factory=list, max_length=120)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('fat', 'fat', MODEL, min_occurs=0, model=Fat),
        XmlField('dup', 'dup', MODEL, min_occurs=0, max_occurs=120, model=Dup),
    )


class Card(XmlModel):
    """Grupo de Cartões, PIX, Boletos e outros Pagamentos Eletrônicos (TNFe/infNFe/pag/detPag/card)"""

    tpIntegra: TpIntegra
    CNPJ: TCnpj | None = None
    tBand: Annotated[str, Field(pattern='^(?:[0-9]{2})$')] | None = None
    cAut: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=128)] | None = None
    CNPJReceb: TCnpj | None = None
    idTermPag: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=40)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpIntegra', 'tpIntegra', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT, min_occurs=0),
        XmlField('tBand', 'tBand', TEXT, min_occurs=0),
        XmlField('cAut', 'cAut', TEXT, min_occurs=0),
        XmlField('CNPJReceb', 'CNPJReceb', TEXT, min_occurs=0),
        XmlField('idTermPag', 'idTermPag', TEXT, min_occurs=0),
    )


class DetPag(ConstrainedXmlModel):
    """Grupo de detalhamento da forma de pagamento. (TNFe/infNFe/pag/detPag)"""

    indPag: IndPag | None = None
    tPag: Annotated[str, Field(pattern='^(?:[0-9]{2})$')]
    xPag: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)] | None = None
    vPag: TDec_1302
    dPag: TData | None = None
    CNPJPag: TCnpj | None = None
    UFPag: TUfEmi | None = None
    card: Card | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('indPag', 'indPag', TEXT, min_occurs=0),
        XmlField('tPag', 'tPag', TEXT),
        XmlField('xPag', 'xPag', TEXT, min_occurs=0),
        XmlField('vPag', 'vPag', DECIMAL, places=(2,)),
        XmlField('dPag', 'dPag', TEXT, min_occurs=0),
        XmlField('CNPJPag', 'CNPJPag', TEXT),
        XmlField('UFPag', 'UFPag', TEXT),
        XmlField('card', 'card', MODEL, min_occurs=0, model=Card),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('CNPJPag', 'UFPag'), ('CNPJPag', 'UFPag')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['CNPJPag'] is not None or d['UFPag'] is not None) and not (d['CNPJPag'] is not None and d['UFPag'] is not None):
            sequence_error(self, 0)
        return self


class Pag(XmlModel):
    """Dados de Pagamento. Obrigatório apenas para (NFC-e) NT 2012/004 (TNFe/infNFe/pag)"""

    detPag: list[DetPag] = Field(min_length=1, max_length=100)
    vTroco: TDec_1302 | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('detPag', 'detPag', MODEL, max_occurs=100, model=DetPag),
        XmlField('vTroco', 'vTroco', DECIMAL, min_occurs=0, places=(2,)),
    )


class InfIntermed(XmlModel):
    """Grupo de Informações do Intermediador da Transação (TNFe/infNFe/infIntermed)"""

    CNPJ: TCnpj
    idCadIntTran: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('idCadIntTran', 'idCadIntTran', TEXT),
    )


class InfAdic_obsCont(XmlModel):
    """Campo de uso livre do contribuinte informar o nome do campo no atributo xCampo e o conteúdo do campo
    no xTexto (TNFe/infNFe/infAdic/obsCont)
    """

    xTexto: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCampo: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xTexto', 'xTexto', TEXT),
        XmlField('xCampo', 'xCampo', TEXT, attribute=True),
    )


class InfAdic_obsFisco(XmlModel):
    """Campo de uso exclusivo do Fisco informar o nome do campo no atributo xCampo e o conteúdo do campo no
    xTexto (TNFe/infNFe/infAdic/obsFisco)
    """

    xTexto: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xCampo: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=20)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xTexto', 'xTexto', TEXT),
        XmlField('xCampo', 'xCampo', TEXT, attribute=True),
    )


class ProcRef(XmlModel):
    """Grupo de informações do processo referenciado (TNFe/infNFe/infAdic/procRef)"""

    nProc: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    indProc: IndProc
    tpAto: TpAto | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nProc', 'nProc', TEXT),
        XmlField('indProc', 'indProc', TEXT),
        XmlField('tpAto', 'tpAto', TEXT, min_occurs=0),
    )


class InfAdic(XmlModel):
    """Informações adicionais da NF-e (TNFe/infNFe/infAdic)"""

    infAdFisco: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=2000)] | None = None
    infCpl: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=5000)] | None = None
    obsCont: list[InfAdic_obsCont] = Field(default_factory=list, max_length=10)
    obsFisco: list[InfAdic_obsFisco] = Field(default_factory=list, max_length=10)
    procRef: list[ProcRef] = Field(default_factory=list, max_length=100)
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infAdFisco', 'infAdFisco', TEXT, min_occurs=0),
        XmlField('infCpl', 'infCpl', TEXT, min_occurs=0),
        XmlField('obsCont', 'obsCont', MODEL, min_occurs=0, max_occurs=10, model=InfAdic_obsCont),
        XmlField('obsFisco', 'obsFisco', MODEL, min_occurs=0, max_occurs=10, model=InfAdic_obsFisco),
        XmlField('procRef', 'procRef', MODEL, min_occurs=0, max_occurs=100, model=ProcRef),
    )


class Exporta(XmlModel):
    """Informações de exportação (TNFe/infNFe/exporta)"""

    UFSaidaPais: TUfEmi
    xLocExporta: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    xLocDespacho: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('UFSaidaPais', 'UFSaidaPais', TEXT),
        XmlField('xLocExporta', 'xLocExporta', TEXT),
        XmlField('xLocDespacho', 'xLocDespacho', TEXT, min_occurs=0),
    )


class Compra(XmlModel):
    """Informações de compras (Nota de Empenho, Pedido e Contrato) (TNFe/infNFe/compra)"""

    xNEmp: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=22)] | None = None
    xPed: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    xCont: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xNEmp', 'xNEmp', TEXT, min_occurs=0),
        XmlField('xPed', 'xPed', TEXT, min_occurs=0),
        XmlField('xCont', 'xCont', TEXT, min_occurs=0),
    )


class ForDia(XmlModel):
    """Fornecimentos diários (TNFe/infNFe/cana/forDia)"""

    qtde: TDec_1110v
    dia: Annotated[str, Field(pattern='^(?:[1-9]|[1][0-9]|[2][0-9]|[3][0-1])$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qtde', 'qtde', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('dia', 'dia', TEXT, attribute=True),
    )


class Deduc(XmlModel):
    """Deduções - Taxas e Contribuições (TNFe/infNFe/cana/deduc)"""

    xDed: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)]
    vDed: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xDed', 'xDed', TEXT),
        XmlField('vDed', 'vDed', DECIMAL, places=(2,)),
    )


class Cana(XmlModel):
    """Informações de registro aquisições de cana (TNFe/infNFe/cana)"""

    safra: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=4, max_length=9)]
    ref: Annotated[str, Field(pattern='^(?:(0[1-9]|1[0-2])([/][2][0-9][0-9][0-9]))$')]
    forDia: list[ForDia] = Field(min_length=1, max_length=31)
    qTotMes: TDec_1110v
    qTotAnt: TDec_1110v
    qTotGer: TDec_1110v
    deduc: list[Deduc] = Field(default_factory=list, max_length=10)
    vFor: TDec_1302
    vTotDed: TDec_1302
    vLiqFor: TDec_1302
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('safra', 'safra', TEXT),
        XmlField('ref', 'ref', TEXT),
        XmlField('forDia', 'forDia', MODEL, max_occurs=31, model=ForDia),
        XmlField('qTotMes', 'qTotMes', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('qTotAnt', 'qTotAnt', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('qTotGer', 'qTotGer', DECIMAL, places=(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
        XmlField('deduc', 'deduc', MODEL, min_occurs=0, max_occurs=10, model=Deduc),
        XmlField('vFor', 'vFor', DECIMAL, places=(2,)),
        XmlField('vTotDed', 'vTotDed', DECIMAL, places=(2,)),
        XmlField('vLiqFor', 'vLiqFor', DECIMAL, places=(2,)),
    )


class TInfRespTec(ConstrainedXmlModel):
    """Grupo de informações do responsável técnico pelo sistema de emissão de DF-e (TInfRespTec)"""

    CNPJ: TCnpjOpc
    xContato: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=60)]
    email: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=6, max_length=60)]
    fone: Annotated[str, Field(pattern='^(?:[0-9]{6,14})$')]
    idCSRT: Annotated[str, Field(pattern='^(?:[0-9]{2})$')] | None = None
    hashCSRT: Annotated[str, Field(pattern='^(?:[A-Za-z0-9+/]*={0,2})$', min_length=28, max_length=28)] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('xContato', 'xContato', TEXT),
        XmlField('email', 'email', TEXT),
        XmlField('fone', 'fone', TEXT),
        XmlField('idCSRT', 'idCSRT', TEXT),
        XmlField('hashCSRT', 'hashCSRT', TEXT),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('idCSRT', 'hashCSRT'), ('idCSRT', 'hashCSRT')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['idCSRT'] is not None or d['hashCSRT'] is not None) and not (d['idCSRT'] is not None and d['hashCSRT'] is not None):
            sequence_error(self, 0)
        return self


class InfSolicNFF(XmlModel):
    """Grupo para informações da solicitação da NFF (TNFe/infNFe/infSolicNFF)"""

    xSolic: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=2, max_length=5000)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('xSolic', 'xSolic', TEXT),
    )


class Defensivo(XmlModel):
    """Defensivo Agrícola / Agrotóxico (TNFe/infNFe/agropecuario/defensivo)"""

    nReceituario: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=30)]
    CPFRespTec: TCpf
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nReceituario', 'nReceituario', TEXT),
        XmlField('CPFRespTec', 'CPFRespTec', TEXT),
    )


class GuiaTransito(XmlModel):
    """Guias De Trânsito de produtos agropecurários animais, vegetais e de origem florestal.
    (TNFe/infNFe/agropecuario/guiaTransito)
    """

    tpGuia: TpGuia
    UFGuia: TUfEmi
    serieGuia: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=9)] | None = None
    nGuia: Annotated[str, Field(pattern='^(?:[0-9]{1,9})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpGuia', 'tpGuia', TEXT),
        XmlField('UFGuia', 'UFGuia', TEXT),
        XmlField('serieGuia', 'serieGuia', TEXT, min_occurs=0),
        XmlField('nGuia', 'nGuia', TEXT),
    )


class Agropecuario(ConstrainedXmlModel):
    """Produtos Agropecurários Animais, Vegetais e Florestais (TNFe/infNFe/agropecuario)"""

    defensivo: list[Defensivo] = Field(default_factory=list, max_length=20)
    guiaTransito: GuiaTransito | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('defensivo', 'defensivo', MODEL, max_occurs=20, model=Defensivo),
        XmlField('guiaTransito', 'guiaTransito', MODEL, model=GuiaTransito),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('defensivo',), ('guiaTransito',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (bool(d['defensivo'])) + (d['guiaTransito'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TRSAKeyValueType(XmlModel):
    """Tipo que representa uma chave publica padrão RSA (TRSAKeyValueType)"""

    Modulus: str
    Exponent: str
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('Modulus', 'Modulus', TEXT),
        XmlField('Exponent', 'Exponent', TEXT),
    )


class InfPAA_PAASignature(XmlModel):
    """Assinatura RSA do Emitente para DFe gerados por PAA (TNFe/infNFe/infPAA/PAASignature)"""

    SignatureValue: str
    RSAKeyValue: TRSAKeyValueType
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('SignatureValue', 'SignatureValue', TEXT),
        XmlField('RSAKeyValue', 'RSAKeyValue', MODEL, model=TRSAKeyValueType),
    )


class InfPAA(XmlModel):
    """Grupo de Informação do Provedor de Assinatura e Autorização (TNFe/infNFe/infPAA)"""

    CNPJPAA: TCnpj
    PAASignature: InfPAA_PAASignature
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('CNPJPAA', 'CNPJPAA', TEXT),
        XmlField('PAASignature', 'PAASignature', MODEL, model=InfPAA_PAASignature),
    )


class InfNFe(XmlModel):
    """Informações da Nota Fiscal eletrônica (TNFe/infNFe)"""

    ide: Ide
    emit: Emit
    avulsa: Avulsa | None = None
    dest: Dest | None = None
    retirada: TLocal | None = None
    entrega: TLocal | None = None
    autXML: list[AutXML] = Field(default_factory=list, max_length=10)
    det: list[Det] = Field(min_length=1, max_length=990)
    total: Total
    transp: Transp
    cobr: Cobr | None = None
    pag: Pag
    infIntermed: InfIntermed | None = None
    infAdic: InfAdic | None = None
    exporta: Exporta | None = None
    compra: Compra | None = None
    cana: Cana | None = None
    infRespTec: TInfRespTec | None = None
    infSolicNFF: InfSolicNFF | None = None
    agropecuario: Agropecuario | None = None
    infPAA: InfPAA | None = None
    versao: Literal['4.00'] = '4.00'
    Id: Annotated[str, Field(pattern='^(?:NFe[0-9]{6}[0-9A-Z]{12}[0-9]{26})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('ide', 'ide', MODEL, model=Ide),
        XmlField('emit', 'emit', MODEL, model=Emit),
        XmlField('avulsa', 'avulsa', MODEL, min_occurs=0, model=Avulsa),
        XmlField('dest', 'dest', MODEL, min_occurs=0, model=Dest),
        XmlField('retirada', 'retirada', MODEL, min_occurs=0, model=TLocal),
        XmlField('entrega', 'entrega', MODEL, min_occurs=0, model=TLocal),
        XmlField('autXML', 'autXML', MODEL, min_occurs=0, max_occurs=10, model=AutXML),
        XmlField('det', 'det', MODEL, max_occurs=990, model=Det),
        XmlField('total', 'total', MODEL, model=Total),
        XmlField('transp', 'transp', MODEL, model=Transp),
        XmlField('cobr', 'cobr', MODEL, min_occurs=0, model=Cobr),
        XmlField('pag', 'pag', MODEL, model=Pag),
        XmlField('infIntermed', 'infIntermed', MODEL, min_occurs=0, model=InfIntermed),
        XmlField('infAdic', 'infAdic', MODEL, min_occurs=0, model=InfAdic),
        XmlField('exporta', 'exporta', MODEL, min_occurs=0, model=Exporta),
        XmlField('compra', 'compra', MODEL, min_occurs=0, model=Compra),
        XmlField('cana', 'cana', MODEL, min_occurs=0, model=Cana),
        XmlField('infRespTec', 'infRespTec', MODEL, min_occurs=0, model=TInfRespTec),
        XmlField('infSolicNFF', 'infSolicNFF', MODEL, min_occurs=0, model=InfSolicNFF),
        XmlField('agropecuario', 'agropecuario', MODEL, min_occurs=0, model=Agropecuario),
        XmlField('infPAA', 'infPAA', MODEL, min_occurs=0, model=InfPAA),
        XmlField('versao', 'versao', TEXT, attribute=True),
        XmlField('Id', 'Id', TEXT, attribute=True),
    )


class InfNFeSupl(XmlModel):
    """Informações suplementares Nota Fiscal (TNFe/infNFeSupl)"""

    qrCode: Annotated[str, Field(pattern='^(?:((HTTPS?|https?)://.*\\?chNFe=[0-9]{6}[0-9A-Z]{12}[0-9]{26}&nVersao=100&tpAmb=[1-2](&cDest=([A-Za-z0-9.:+-/)(]{0}|[A-Za-z0-9.:+-/)(]{5,20})?)?&dhEmi=[A-Fa-f0-9]{50}&vNF=(0|0\\.[0-9]{2}|[1-9]{1}[0-9]{0,12}(\\.[0-9]{2})?)&vICMS=(0|0\\.[0-9]{2}|[1-9]{1}[0-9]{0,12}(\\.[0-9]{2})?)&digVal=[A-Fa-f0-9]{56}&cIdToken=[0-9]{6}&cHashQRCode=[A-Fa-f0-9]{40})|((HTTPS?|https?)://.*\\?p=([0-9]{6}[0-9A-Z]{12}[0-9]{16}(1|3|4)[0-9]{9})\\|[2]\\|[1-2]\\|(0|[1-9]{1}([0-9]{1,5})?)\\|[A-Fa-f0-9]{40})|((HTTPS?|https?)://.*\\?p=([0-9]{6}[0-9A-Z]{12}[0-9]{16}9[0-9]{9})\\|[2]\\|[1-2]\\|([0]{1}[1-9]{1}|[1-2]{1}[0-9]{1}|[3]{1}[0-1]{1})\\|(0|0\\.[0-9]{2}|[1-9]{1}[0-9]{0,12}(\\.[0-9]{2})?)\\|[A-Fa-f0-9]{56}\\|(0|[1-9]{1}([0-9]{1,5})?)\\|[A-Fa-f0-9]{40})|((HTTPS?|https?)://.*\\?p=([0-9]{6}[0-9A-Z]{12}[0-9]{16}(1|3|4)[0-9]{9})\\|[3]\\|[1-2])|((HTTPS?|https?)://.*\\?p=([0-9]{6}[0-9A-Z]{12}[0-9]{16}(9)[0-9]{9})\\|[3]\\|[1-2]\\|([0]{1}[1-9]{1}|[1-2]{1}[0-9]{1}|[3]{1}[0-1]{1})\\|(0|0\\.[0-9]{2}|[1-9]{1}[0-9]{0,12}(\\.[0-9]{2})?)\\|((1|2|3)?)\\|((([0-9A-Z]{12}[0-9]{2})|([0-9]{11}))?)\\|([a-zA-Z0-9+/]+[=]{0,2})))$', min_length=60, max_length=1000)]
    urlChave: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=21, max_length=85)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('qrCode', 'qrCode', TEXT),
        XmlField('urlChave', 'urlChave', TEXT),
    )


class TNFe(XmlModel):
    """Tipo Nota Fiscal Eletrônica (TNFe)"""

    infNFe: InfNFe
    infNFeSupl: InfNFeSupl | None = None
    Signature: bytes | None = None

    __xml_name__: ClassVar[str] = 'NFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infNFe', 'infNFe', MODEL, model=InfNFe),
        XmlField('infNFeSupl', 'infNFeSupl', MODEL, min_occurs=0, model=InfNFeSupl),
        XmlField('Signature', 'Signature', RAW, namespace=DSIG_NS),
    )


class CMsgGrupo(XmlModel):
    """Repeated sequence (rendered inline, no wrapper element) (TProtNFe/infProt/cMsgGrupo)"""

    cMsg: Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')]
    xMsg: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=255)]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cMsg', 'cMsg', TEXT),
        XmlField('xMsg', 'xMsg', TEXT),
    )


class TProtNFe_infProt(XmlModel):
    """Dados do protocolo de status (TProtNFe/infProt)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    chNFe: TChNFe
    dhRecbto: TDateTimeUTC
    nProt: TProt | None = None
    digVal: str | None = None
    cStat: TStat
    xMotivo: TMotivo
    cMsgGrupo: list[CMsgGrupo] = Field(default_factory=list, max_length=5)
    Id: str | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('nProt', 'nProt', TEXT, min_occurs=0),
        XmlField('digVal', 'digVal', TEXT, min_occurs=0),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cMsgGrupo', 'cMsgGrupo', GROUP, min_occurs=0, max_occurs=5, model=CMsgGrupo),
        XmlField('Id', 'Id', TEXT, attribute=True, min_occurs=0),
    )


class TProtNFe(XmlModel):
    """Tipo Protocolo de status resultado do processamento da NF-e (TProtNFe)"""

    infProt: TProtNFe_infProt
    Signature: bytes | None = None
    versao: Literal['4.00'] = '4.00'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infProt', 'infProt', MODEL, model=TProtNFe_infProt),
        XmlField('Signature', 'Signature', RAW, min_occurs=0, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TNfeProc(XmlModel):
    """Tipo da NF-e processada (TNfeProc)"""

    NFe: TNFe
    protNFe: TProtNFe
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'nfeProc'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('NFe', 'NFe', MODEL, model=TNFe),
        XmlField('protNFe', 'protNFe', MODEL, model=TProtNFe),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TEnviNFe(XmlModel):
    """Tipo Pedido de Concessão de Autorização da Nota Fiscal Eletrônica (TEnviNFe)"""

    idLote: TIdLote
    indSinc: IndSinc
    NFe: list[TNFe] = Field(min_length=1, max_length=50)
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'enviNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('idLote', 'idLote', TEXT),
        XmlField('indSinc', 'indSinc', TEXT),
        XmlField('NFe', 'NFe', MODEL, max_occurs=50, model=TNFe),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class InfRec(XmlModel):
    """Dados do Recibo do Lote (TRetEnviNFe/infRec)"""

    nRec: TRec
    tMed: TMed
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('nRec', 'nRec', TEXT),
        XmlField('tMed', 'tMed', TEXT),
    )


class TRetEnviNFe(ConstrainedXmlModel):
    """Tipo Retorno do Pedido de Autorização da Nota Fiscal Eletrônica (TRetEnviNFe)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    dhRecbto: TDateTimeUTC
    infRec: InfRec | None = None
    protNFe: TProtNFe | None = None
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'retEnviNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('infRec', 'infRec', MODEL, min_occurs=0, model=InfRec),
        XmlField('protNFe', 'protNFe', MODEL, min_occurs=0, model=TProtNFe),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('infRec',), ('protNFe',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['infRec'] is not None) + (d['protNFe'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class TConsReciNFe(XmlModel):
    """Tipo Pedido de Consulta do Recido do Lote de Notas Fiscais Eletrônicas (TConsReciNFe)"""

    tpAmb: TAmb
    nRec: TRec
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'consReciNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('nRec', 'nRec', TEXT),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TRetConsReciNFe(ConstrainedXmlModel):
    """Tipo Retorno do Pedido de Consulta do Recido do Lote de Notas Fiscais Eletrônicas (TRetConsReciNFe)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    nRec: TRec
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    dhRecbto: TDateTimeUTC
    cMsg: Annotated[str, Field(pattern='^(?:[0-9]{1,4})$')] | None = None
    xMsg: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=200)] | None = None
    protNFe: list[TProtNFe] = Field(default_factory=list, max_length=50)
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'retConsReciNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('nRec', 'nRec', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('cMsg', 'cMsg', TEXT),
        XmlField('xMsg', 'xMsg', TEXT),
        XmlField('protNFe', 'protNFe', MODEL, min_occurs=0, max_occurs=50, model=TProtNFe),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )
    __xml_sequences__: ClassVar[tuple[XmlSequence, ...]] = (
        XmlSequence(('cMsg', 'xMsg'), ('cMsg', 'xMsg')),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        if (d['cMsg'] is not None or d['xMsg'] is not None) and not (d['cMsg'] is not None and d['xMsg'] is not None):
            sequence_error(self, 0)
        return self


class TConsSitNFe(XmlModel):
    """Tipo Pedido de Consulta da Situação Atual da Nota Fiscal Eletrônica (TConsSitNFe)"""

    tpAmb: TAmb
    xServ: Literal['CONSULTAR'] = 'CONSULTAR'
    chNFe: TChNFe
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'consSitNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('xServ', 'xServ', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TProtNFe_ConsSitNFe_infProt(XmlModel):
    """Dados do protocolo de status (TProtNFe_ConsSitNFe/infProt)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    chNFe: TChNFe
    dhRecbto: str
    nProt: TProt | None = None
    digVal: str | None = None
    cStat: TStat
    xMotivo: TMotivo
    Id: str | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('nProt', 'nProt', TEXT, min_occurs=0),
        XmlField('digVal', 'digVal', TEXT, min_occurs=0),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('Id', 'Id', TEXT, attribute=True, min_occurs=0),
    )


class TProtNFe_ConsSitNFe(XmlModel):
    """Tipo Protocolo de status resultado do processamento da NF-e (TProtNFe_ConsSitNFe)"""

    infProt: TProtNFe_ConsSitNFe_infProt
    Signature: bytes | None = None
    versao: TVerNFe_ConsSitNFe
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infProt', 'infProt', MODEL, model=TProtNFe_ConsSitNFe_infProt),
        XmlField('Signature', 'Signature', RAW, min_occurs=0, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class InfCanc(XmlModel):
    """Dados do Resultado do Pedido de Cancelamento da Nota Fiscal Eletrônica (TRetCancNFe/infCanc)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    chNFe: TChNFe | None = None
    dhRecbto: str | None = None
    nProt: TProt | None = None
    Id: str | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('chNFe', 'chNFe', TEXT, min_occurs=0),
        XmlField('dhRecbto', 'dhRecbto', TEXT, min_occurs=0),
        XmlField('nProt', 'nProt', TEXT, min_occurs=0),
        XmlField('Id', 'Id', TEXT, attribute=True, min_occurs=0),
    )


class TRetCancNFe(XmlModel):
    """Tipo retorno Pedido de Cancelamento da Nota Fiscal Eletrônica (TRetCancNFe)"""

    infCanc: InfCanc
    Signature: bytes | None = None
    versao: TVerCancNFe
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infCanc', 'infCanc', MODEL, model=InfCanc),
        XmlField('Signature', 'Signature', RAW, min_occurs=0, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TEvento_infEvento(ConstrainedXmlModel):
    """TEvento/infEvento"""

    cOrgao: TCOrgaoIBGE
    tpAmb: TAmb
    CNPJ: TCnpjOpc | None = None
    CPF: TCpf | None = None
    chNFe: TChNFe
    dhEvento: TDateTimeUTC
    tpEvento: Annotated[str, Field(pattern='^(?:[0-9]{6})$')]
    nSeqEvento: Annotated[str, Field(pattern='^(?:[1-9][0-9]{0,1})$')]
    verEvento: str
    detEvento: bytes
    Id: Annotated[str, Field(pattern='^(?:ID[0-9]{52})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('cOrgao', 'cOrgao', TEXT),
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('CPF', 'CPF', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('dhEvento', 'dhEvento', TEXT),
        XmlField('tpEvento', 'tpEvento', TEXT),
        XmlField('nSeqEvento', 'nSeqEvento', TEXT),
        XmlField('verEvento', 'verEvento', TEXT),
        XmlField('detEvento', 'detEvento', RAW),
        XmlField('Id', 'Id', TEXT, attribute=True),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJ',), ('CPF',)), True),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJ'] is not None) + (d['CPF'] is not None)
        if n != 1:
            choice_error(self, 0, n)
        return self


class TEvento(XmlModel):
    """Tipo Evento (TEvento)"""

    infEvento: TEvento_infEvento
    Signature: bytes | None = None
    versao: TVerEvento
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infEvento', 'infEvento', MODEL, model=TEvento_infEvento),
        XmlField('Signature', 'Signature', RAW, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TRetEvento_infEvento(ConstrainedXmlModel):
    """TRetEvento/infEvento"""

    tpAmb: TAmb
    verAplic: TVerAplic
    cOrgao: TCOrgaoIBGE
    cStat: TStat
    xMotivo: TMotivo
    chNFe: TChNFe | None = None
    tpEvento: Annotated[str, Field(pattern='^(?:[0-9]{6})$')] | None = None
    xEvento: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=5, max_length=60)] | None = None
    nSeqEvento: Annotated[str, Field(pattern='^(?:[1-9][0-9]{0,1})$')] | None = None
    CNPJDest: TCnpjOpc | None = None
    CPFDest: TCpf | None = None
    emailDest: Annotated[str, Field(pattern='^(?:[!-ÿ]{1}[ -ÿ]{0,}[!-ÿ]{1}|[!-ÿ]{1})$', min_length=1, max_length=60)] | None = None
    dhRegEvento: TDateTimeUTC
    nProt: TProt | None = None
    Id: Annotated[str, Field(pattern='^(?:ID[0-9]{15})$')] | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cOrgao', 'cOrgao', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('chNFe', 'chNFe', TEXT, min_occurs=0),
        XmlField('tpEvento', 'tpEvento', TEXT, min_occurs=0),
        XmlField('xEvento', 'xEvento', TEXT, min_occurs=0),
        XmlField('nSeqEvento', 'nSeqEvento', TEXT, min_occurs=0),
        XmlField('CNPJDest', 'CNPJDest', TEXT),
        XmlField('CPFDest', 'CPFDest', TEXT),
        XmlField('emailDest', 'emailDest', TEXT, min_occurs=0),
        XmlField('dhRegEvento', 'dhRegEvento', TEXT),
        XmlField('nProt', 'nProt', TEXT, min_occurs=0),
        XmlField('Id', 'Id', TEXT, attribute=True, min_occurs=0),
    )
    __xml_choices__: ClassVar[tuple[XmlChoice, ...]] = (
        XmlChoice((('CNPJDest',), ('CPFDest',)), False),
    )

    @model_validator(mode="after")
    def _check_groups(self) -> Self:
        d = self.__dict__
        n = (d['CNPJDest'] is not None) + (d['CPFDest'] is not None)
        if n > 1:
            choice_error(self, 0, n)
        return self


class TRetEvento(XmlModel):
    """Tipo retorno do Evento (TRetEvento)"""

    infEvento: TRetEvento_infEvento
    Signature: bytes | None = None
    versao: TRetVerEvento
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infEvento', 'infEvento', MODEL, model=TRetEvento_infEvento),
        XmlField('Signature', 'Signature', RAW, min_occurs=0, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TProcEvento(XmlModel):
    """Tipo procEvento (TProcEvento)"""

    evento: TEvento
    retEvento: TRetEvento
    versao: TVerEvento
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('evento', 'evento', MODEL, model=TEvento),
        XmlField('retEvento', 'retEvento', MODEL, model=TRetEvento),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TRetConsSitNFe(XmlModel):
    """Tipo Retorno de Pedido de Consulta da Situação Atual da Nota Fiscal Eletrônica (TRetConsSitNFe)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    dhRecbto: TDateTimeUTC
    chNFe: TChNFe
    protNFe: TProtNFe_ConsSitNFe | None = None
    retCancNFe: TRetCancNFe | None = None
    procEventoNFe: list[TProcEvento] = Field(default_factory=list)
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'retConsSitNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('chNFe', 'chNFe', TEXT),
        XmlField('protNFe', 'protNFe', MODEL, min_occurs=0, model=TProtNFe_ConsSitNFe),
        XmlField('retCancNFe', 'retCancNFe', MODEL, min_occurs=0, model=TRetCancNFe),
        XmlField('procEventoNFe', 'procEventoNFe', MODEL, min_occurs=0, max_occurs=-1, model=TProcEvento),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TConsStatServ(XmlModel):
    """Tipo Pedido de Consulta do Status do Serviço (TConsStatServ)"""

    tpAmb: TAmb
    cUF: TCodUfIBGE
    xServ: Literal['STATUS'] = 'STATUS'
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'consStatServ'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('xServ', 'xServ', TEXT),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TRetConsStatServ(XmlModel):
    """Tipo Resultado da Consulta do Status do Serviço (TRetConsStatServ)"""

    tpAmb: TAmb
    verAplic: TVerAplic
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    dhRecbto: TDateTimeUTC
    tMed: TMed | None = None
    dhRetorno: TDateTimeUTC | None = None
    xObs: TMotivo | None = None
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'retConsStatServ'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('tMed', 'tMed', TEXT, min_occurs=0),
        XmlField('dhRetorno', 'dhRetorno', TEXT, min_occurs=0),
        XmlField('xObs', 'xObs', TEXT, min_occurs=0),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TInutNFe_infInut(XmlModel):
    """Dados do Pedido de Inutilização de Numeração da Nota Fiscal Eletrônica (TInutNFe/infInut)"""

    tpAmb: TAmb
    xServ: Literal['INUTILIZAR'] = 'INUTILIZAR'
    cUF: TCodUfIBGE
    ano: Tano
    CNPJ: TCnpj
    mod: TMod
    serie: TSerie
    nNFIni: TNF
    nNFFin: TNF
    xJust: TJust
    Id: Annotated[str, Field(pattern='^(?:ID[0-9]{41})$')]
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('xServ', 'xServ', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('ano', 'ano', TEXT),
        XmlField('CNPJ', 'CNPJ', TEXT),
        XmlField('mod', 'mod', TEXT),
        XmlField('serie', 'serie', TEXT),
        XmlField('nNFIni', 'nNFIni', TEXT),
        XmlField('nNFFin', 'nNFFin', TEXT),
        XmlField('xJust', 'xJust', TEXT),
        XmlField('Id', 'Id', TEXT, attribute=True),
    )


class TInutNFe(XmlModel):
    """Tipo Pedido de Inutilização de Numeração da Nota Fiscal Eletrônica (TInutNFe)"""

    infInut: TInutNFe_infInut
    Signature: bytes | None = None
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'inutNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infInut', 'infInut', MODEL, model=TInutNFe_infInut),
        XmlField('Signature', 'Signature', RAW, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TRetInutNFe_infInut(XmlModel):
    """Dados do Retorno do Pedido de Inutilização de Numeração da Nota Fiscal Eletrônica
    (TRetInutNFe/infInut)
    """

    tpAmb: TAmb
    verAplic: TVerAplic
    cStat: TStat
    xMotivo: TMotivo
    cUF: TCodUfIBGE
    ano: Tano | None = None
    CNPJ: TCnpj | None = None
    mod: TMod | None = None
    serie: TSerie | None = None
    nNFIni: TNF | None = None
    nNFFin: TNF | None = None
    dhRecbto: TDateTimeUTC
    nProt: TProt | None = None
    Id: str | None = None
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('tpAmb', 'tpAmb', TEXT),
        XmlField('verAplic', 'verAplic', TEXT),
        XmlField('cStat', 'cStat', TEXT),
        XmlField('xMotivo', 'xMotivo', TEXT),
        XmlField('cUF', 'cUF', TEXT),
        XmlField('ano', 'ano', TEXT, min_occurs=0),
        XmlField('CNPJ', 'CNPJ', TEXT, min_occurs=0),
        XmlField('mod', 'mod', TEXT, min_occurs=0),
        XmlField('serie', 'serie', TEXT, min_occurs=0),
        XmlField('nNFIni', 'nNFIni', TEXT, min_occurs=0),
        XmlField('nNFFin', 'nNFFin', TEXT, min_occurs=0),
        XmlField('dhRecbto', 'dhRecbto', TEXT),
        XmlField('nProt', 'nProt', TEXT, min_occurs=0),
        XmlField('Id', 'Id', TEXT, attribute=True, min_occurs=0),
    )


class TRetInutNFe(XmlModel):
    """Tipo retorno do Pedido de Inutilização de Numeração da Nota Fiscal Eletrônica (TRetInutNFe)"""

    infInut: TRetInutNFe_infInut
    Signature: bytes | None = None
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'retInutNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('infInut', 'infInut', MODEL, model=TRetInutNFe_infInut),
        XmlField('Signature', 'Signature', RAW, min_occurs=0, namespace=DSIG_NS),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


class TProcInutNFe(XmlModel):
    """Tipo Pedido de inutilzação de númeração de NF-e processado (TProcInutNFe)"""

    inutNFe: TInutNFe
    retInutNFe: TRetInutNFe
    versao: Literal['4.00'] = '4.00'

    __xml_name__: ClassVar[str] = 'ProcInutNFe'
    __xml_fields__: ClassVar[tuple[XmlField, ...]] = (
        XmlField('inutNFe', 'inutNFe', MODEL, model=TInutNFe),
        XmlField('retInutNFe', 'retInutNFe', MODEL, model=TRetInutNFe),
        XmlField('versao', 'versao', TEXT, attribute=True),
    )


# Root elements of the schema package: element name -> class.
ROOTS: Mapping[str, type[XmlModel]] = MappingProxyType(
    {
        'NFe': TNFe,
        'nfeProc': TNfeProc,
        'enviNFe': TEnviNFe,
        'retEnviNFe': TRetEnviNFe,
        'consReciNFe': TConsReciNFe,
        'retConsReciNFe': TRetConsReciNFe,
        'consSitNFe': TConsSitNFe,
        'retConsSitNFe': TRetConsSitNFe,
        'consStatServ': TConsStatServ,
        'retConsStatServ': TRetConsStatServ,
        'inutNFe': TInutNFe,
        'retInutNFe': TRetInutNFe,
        'ProcInutNFe': TProcInutNFe,
    }
)
