//go:build ignore

// gen_demo writes demo_talents.csv, the sample pool that `serve --demo`
// loads: a few hundred synthetic professionals, deterministic so that the
// file only changes when this program does. Run it with `go generate`.
package main

import (
	"encoding/csv"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

const perField = 30 // profiles whose main field is each of the 14 fields

// A field is one of the pool's category codes with what its professionals
// offer, where they come from and how they introduce themselves.
type field struct {
	code        string
	skills      []string
	backgrounds []string // where they built their career
	roles       []string // what they call themselves
	results     []string // a concrete result, %d is a number
}

var fields = []field{
	{"marketing",
		[]string{"SNS運用", "Instagram運用", "LINE公式アカウント運用", "MEO対策", "SEO対策", "Web広告運用", "デジタルマーケティング", "コンテンツマーケティング", "広報・PR", "CRM施策", "リピーター施策", "顧客分析"},
		[]string{"広告代理店", "Webマーケティング会社", "地方新聞社", "観光情報誌の編集部", "飲食チェーンの販促部"},
		[]string{"マーケター", "SNSプランナー", "広報コンサルタント", "集客アドバイザー"},
		[]string{"飲食店のInstagramフォロワーを半年で%d倍にしました", "Googleマップ経由の来店を%d割増やした実績があります", "地域のお店%d軒のLINE公式アカウント立ち上げを手伝いました"}},
	{"ec",
		[]string{"ネットショップ運営", "ECサイト構築", "Shopify", "Amazon出品", "楽天市場出店", "EC売上改善", "定期通販", "商品ページ制作", "EC物流設計", "ふるさと納税返礼品"},
		[]string{"EC支援会社", "大手通販会社", "ネットスーパー", "食品メーカーの通販部門", "自治体のふるさと納税事務局"},
		[]string{"ECコンサルタント", "ネットショップ運営代行", "EC担当", "通販プロデューサー"},
		[]string{"特産品のネットショップで月商を%d倍にしました", "ふるさと納税の寄付額を%d年で大きく伸ばしました", "Shopifyでの開店を%d件支援しました"}},
	{"sales",
		[]string{"法人営業", "営業戦略立案", "バイヤー商談", "販路開拓", "卸売開拓", "代理店開拓", "展示会出展支援", "百貨店催事", "飲食店向け営業"},
		[]string{"食品商社", "酒類卸", "百貨店の食品バイヤー", "大手飲料メーカーの営業部", "地方スーパーの仕入部"},
		[]string{"営業コンサルタント", "販路開拓アドバイザー", "元バイヤー", "営業代行"},
		[]string{"地方の加工品を首都圏のスーパー%d社に導入しました", "百貨店の物産展に%d回出店を支援しました", "焼酎を都内の飲食店%d軒に紹介しました"}},
	{"branding",
		[]string{"ブランド戦略", "ブランドストーリー設計", "パッケージデザイン", "ロゴデザイン", "Webデザイン", "店舗デザイン", "名刺・販促物デザイン", "商品撮影", "コピーライティング"},
		[]string{"デザイン事務所", "広告制作会社", "出版社", "インテリア設計事務所", "写真スタジオ"},
		[]string{"アートディレクター", "グラフィックデザイナー", "コピーライター", "フォトグラファー", "ブランドプランナー"},
		[]string{"土産物のパッケージを刷新し売上を%d割伸ばしました", "地域の老舗%d社のロゴとブランドを作り直しました", "商品写真を撮り直して通販の購入率を%d割上げました"}},
	{"product",
		[]string{"食品加工品開発", "6次産業化", "商品企画", "新メニュー開発", "レシピ開発", "試作・品質管理", "賞味期限延長", "食品表示", "OEM先選定"},
		[]string{"食品メーカーの開発部", "製菓会社", "ホテルの厨房", "農業法人", "食品研究所"},
		[]string{"商品開発プランナー", "フードコーディネーター", "食品技術者", "料理研究家"},
		[]string{"果樹農家の規格外品からジャムなど%d品を商品化しました", "常温で日持ちする加工品を%d品開発しました", "飲食店の新メニュー%d品の開発に関わりました"}},
	{"tourism",
		[]string{"インバウンド集客", "多言語対応", "観光マーケティング", "観光コンテンツ造成", "体験型ツアー企画", "旅行会社連携", "OTA運用", "宿泊施設運営改善", "ワーケーション企画"},
		[]string{"大手旅行会社", "外資系ホテル", "観光協会", "地域DMO", "旅行予約サイト運営会社"},
		[]string{"観光プロデューサー", "ツアープランナー", "宿泊コンサルタント", "インバウンド専門家"},
		[]string{"離島の体験ツアーを%d本造成しました", "民宿の稼働率を%d割改善しました", "訪日客向けの多言語案内を%d施設で整えました"}},
	{"it_dx",
		[]string{"DX推進", "業務効率化", "kintone導入", "RPA", "社内IT整備", "クラウド会計導入", "受発注システム", "予約システム導入", "ホームページ制作", "キャッシュレス決済導入", "データ分析"},
		[]string{"SIer", "ITベンチャー", "地方のIT企業", "会計ソフト会社", "Web制作会社"},
		[]string{"ITコーディネーター", "エンジニア", "DXアドバイザー", "システムコンサルタント"},
		[]string{"紙とFAXの受発注をやめ、事務作業を月%d時間減らしました", "小さな事業者%d社にクラウド会計とキャッシュレス決済を入れました", "予約管理をシステム化してダブルブッキングをなくしました(%d施設)"}},
	{"finance",
		[]string{"補助金申請", "事業計画書作成", "資金繰り改善", "融資交渉", "資金調達", "クラウドファンディング", "経営分析", "管理会計", "原価計算"},
		[]string{"地方銀行", "信用金庫", "税理士事務所", "会計事務所", "政府系金融機関"},
		[]string{"中小企業診断士", "税理士", "元銀行員", "財務コンサルタント"},
		[]string{"補助金の採択を%d件支援しました", "資金繰り表を整えて融資%d件の交渉に同席しました", "クラウドファンディングで%d件のプロジェクトを成功させました"}},
	{"hr",
		[]string{"採用戦略", "求人広告", "採用ブランディング", "定着率改善", "人材育成", "組織開発", "社員研修", "評価制度設計", "労務管理", "外国人材受入れ"},
		[]string{"人材サービス会社", "社会保険労務士事務所", "大手小売の人事部", "求人広告会社", "外国人材の登録支援機関"},
		[]string{"社会保険労務士", "人事コンサルタント", "採用アドバイザー", "研修講師"},
		[]string{"地方企業の採用を%d社支援し、応募数を大きく増やしました", "離職率を%d割下げた評価制度づくりに関わりました", "特定技能の外国人材%d名の受け入れを支援しました"}},
	{"succession",
		[]string{"事業承継", "第三者承継", "株式承継", "親族内承継", "事業引継ぎ計画", "後継者育成", "M&A仲介"},
		[]string{"M&A仲介会社", "事業承継・引継ぎ支援センター", "地方銀行の事業承継室", "税理士法人", "商工会議所"},
		[]string{"事業承継コンサルタント", "M&Aアドバイザー", "中小企業診断士", "税理士"},
		[]string{"後継者のいない事業の引き継ぎを%d件まとめました", "親族への株式承継を%d社で支援しました", "伝統工芸の工房%d軒の承継計画づくりに関わりました"}},
	{"strategy",
		[]string{"新規事業開発", "事業再構築", "経営戦略立案", "中期経営計画", "KPI設計", "経営改善", "ビジネスモデル設計"},
		[]string{"経営コンサルティング会社", "事業会社の経営企画部", "ベンチャーキャピタル", "地域商社", "シンクタンク"},
		[]string{"経営コンサルタント", "中小企業診断士", "事業開発マネージャー", "経営企画"},
		[]string{"赤字の事業を%d年で黒字に戻しました", "地方企業の新規事業%d件の立ち上げに伴走しました", "中期経営計画づくりを%d社で支援しました"}},
	{"logistics",
		[]string{"配送網設計", "生産性向上", "生産管理", "サプライチェーン改善", "在庫管理", "物流コスト削減", "倉庫業務改善"},
		[]string{"物流会社", "海運会社", "食品工場", "3PL事業者", "メーカーの生産技術部"},
		[]string{"物流コンサルタント", "生産管理の専門家", "サプライチェーンマネージャー", "改善指導員"},
		[]string{"離島発の輸送ルートを見直し送料を%d割下げました", "工場の段取りを見直し生産量を%d割増やしました", "在庫の持ち方を変えて欠品を%d割減らしました"}},
	{"overseas",
		[]string{"輸出支援", "貿易実務", "越境EC", "英語・中国語対応", "現地パートナー探索", "海外販路開拓", "海外展示会"},
		[]string{"総合商社", "JETRO関連団体", "輸出入商社", "海外駐在の食品メーカー", "越境EC支援会社"},
		[]string{"貿易アドバイザー", "海外展開コンサルタント", "通訳・翻訳者", "輸出コーディネーター"},
		[]string{"日本酒と焼酎の輸出を%dか国で立ち上げました", "台湾・香港の輸入業者%d社との取引をまとめました", "海外展示会への出展を%d回支援しました"}},
	{"legal",
		[]string{"契約書作成", "商標登録", "知的財産戦略", "個人情報保護", "利用規約作成", "コンプライアンス体制"},
		[]string{"法律事務所", "特許事務所", "企業の法務部", "行政書士事務所", "IT企業の法務"},
		[]string{"弁護士", "弁理士", "行政書士", "法務コンサルタント"},
		[]string{"中小企業の契約書を%d件以上見てきました", "地域ブランドの商標登録を%d件支援しました", "ネットショップの利用規約とプライバシーポリシーを%d社で整えました"}},
}

var (
	surnames = strings.Fields(`佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 松本 井上 木村 林 斎藤 清水 山崎
		森 池田 橋本 阿部 石川 山下 中島 前田 藤田 小川 後藤 岡田 長谷川 村上 近藤 石井 坂本 遠藤 青木 藤井
		西村 福田 太田 三浦 岡本 松田 中川 中野 原田 小野 田村 竹内 金子 和田 中山 石田 上田 森田 原 柴田
		酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 谷口 大野 丸山 今井 河野 藤原 村田 武田 上野 杉山 増田
		元 栄 福山 泊 重 平 祝 義 碇山 住`)
	givenNames = strings.Fields(`翔太 大輔 健一 拓也 直樹 亮 達也 和也 誠 浩二 隆 悠斗 蓮 陽介 圭 智之 修 剛 慎也 康平
		美咲 陽子 恵 彩 真由美 さくら 由佳 香織 愛 優子 千尋 麻衣 奈緒 裕子 舞 智子 理恵 沙織 明美 直子
		遥 葵 結衣 菜々子 里美 純一 洋平 哲也 光 薫`)
	regions = []string{"東京都", "東京都", "東京都", "神奈川県", "埼玉県", "千葉県", "大阪府", "愛知県",
		"福岡県", "鹿児島県", "鹿児島県", "沖縄県", "兵庫県", "京都府", "北海道", "広島県", "宮城県"}
	ties = []string{
		"奄美大島の出身で、島に恩返しがしたいと思っています。",
		"家族が徳之島に住んでいて、年に数回帰省しています。",
		"ダイビングで通ううちに奄美群島が好きになりました。",
		"以前、沖永良部島の事業者さんを手伝ったことがあります。",
		"喜界島の黒糖が好きで、島の産業を応援したいと考えています。",
		"与論島で暮らした経験があり、離島ならではの事情もわかります。",
		"鹿児島市で育ち、奄美の事業者さんとも付き合いがあります。",
		"島の商売には島のやり方があると思っています。まずはお話を聞かせてください。",
		"",
	}
	styles = map[string][]string{
		"remote": {"打ち合わせはオンラインで、週1回の定例が基本です。", "チャットとビデオ会議で、平日夜や土日にも対応します。"},
		"hybrid": {"普段はオンラインで、要所では島に伺います。", "月1回程度の現地訪問とオンラインを組み合わせます。"},
		"onsite": {"現地に伺って一緒に手を動かすのが信条です。", "2〜3日の滞在で集中して取り組むやり方が得意です。"},
	}
	headlines = []string{
		"%[1]s出身の%[2]s。%[3]sと%[4]sで地方の事業者を支えます",
		"%[3]sが得意な%[2]s。%[1]sで%[5]d年の経験",
		"%[1]sで%[5]d年、%[3]sを担当。いまは副業で%[4]sを支援",
		"小さなお店の%[3]s・%[4]sならお任せください（元%[1]s）",
		"%[2]s／%[3]s・%[4]s・%[6]s",
		"離島・地方の%[3]sを伴走支援する%[2]s",
	}
)

func main() {
	r := rand.New(rand.NewPCG(2024, 11))
	out, err := os.Create("demo_talents.csv")
	if err != nil {
		log.Fatal(err)
	}
	w := csv.NewWriter(out)
	w.Write([]string{"id", "display_name", "headline", "skills", "categories", "years_experience", "work_style", "region", "hours_per_month", "bio"})
	id := 1
	for round := range perField {
		for fi, f := range fields {
			w.Write(profile(r, id, f, fi, round))
			id++
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}

func profile(r *rand.Rand, id int, f field, fi, round int) []string {
	skills := pick(r, f.skills, 3+r.IntN(3))
	cats := []string{f.code}
	if r.IntN(10) < 3 { // some also offer a second field
		other := fields[(fi+1+r.IntN(len(fields)-1))%len(fields)]
		cats = append(cats, other.code)
		skills = append(skills, pick(r, other.skills, 1+r.IntN(2))...)
	}
	years := 3 + r.IntN(26)
	bg := f.backgrounds[r.IntN(len(f.backgrounds))]
	role := f.roles[r.IntN(len(f.roles))]
	style := []string{"remote", "remote", "remote", "hybrid", "onsite"}[r.IntN(5)]
	third := skills[min(2, len(skills)-1)]
	headline := fmt.Sprintf(headlines[(round+fi)%len(headlines)], bg, role, skills[0], skills[1], years, third)
	bio := fmt.Sprintf("%sで%d年、%sに取り組んできました。", bg, years, skills[0]) +
		fmt.Sprintf(f.results[r.IntN(len(f.results))], 2+r.IntN(9)) + "。" +
		fmt.Sprintf("%sや%sのご相談にも乗れます。", skills[1], third) +
		ties[r.IntN(len(ties))] + styles[style][r.IntN(2)]
	return []string{
		fmt.Sprintf("D%04d", id),
		surnames[r.IntN(len(surnames))] + " " + givenNames[r.IntN(len(givenNames))],
		headline,
		strings.Join(skills, ";"),
		strings.Join(cats, ";"),
		strconv.Itoa(years),
		style,
		regions[r.IntN(len(regions))],
		strconv.Itoa(5 * (2 + r.IntN(11))),
		bio,
	}
}

// pick returns n distinct items of list in random order.
func pick(r *rand.Rand, list []string, n int) []string {
	p := r.Perm(len(list))[:min(n, len(list))]
	out := make([]string, len(p))
	for i, j := range p {
		out[i] = list[j]
	}
	return out
}
